/* gen-tree DIR FILES KIB SEED WORDS: a deterministic text tree for the line counter:
 * DIR/dNN/fNNNNN.txt, FILES files of about KIB KiB each, lines of 0 to 2*WORDS words
 * (one line in eight blank) drawn from a fixed vocabulary by a xorshift generator seeded
 * with SEED. The same arguments write the same bytes on every machine. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t state;
static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static const char *words[] = {
    "the", "counter", "thread", "profile", "cache", "line", "of", "and", "a", "to",
    "instrumented", "binary", "workload", "merge", "edge", "branch", "hot", "cold",
    "function", "inline", "loop", "store", "derivation", "sandbox", "build", "nix",
    "über", "naïve", "café", "señal", "Ωmega", "λx", "→", "…", "{", "}", "=", "0x1f",
};

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: gen-tree DIR FILES KIB SEED WORDS\n");
    return 2;
  }
  const char *dir = argv[1];
  long files = atol(argv[2]), kib = atol(argv[3]), maxWords = 2 * atol(argv[5]) + 1;
  state = strtoull(argv[4], NULL, 10) * 2654435761u + 88172645463325252ull;
  size_t nwords = sizeof words / sizeof *words;
  char path[4096];
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) { perror(dir); return 1; }
  for (long f = 0; f < files; f++) {
    snprintf(path, sizeof path, "%s/d%02ld", dir, f % 64);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) { perror(path); return 1; }
    snprintf(path, sizeof path, "%s/d%02ld/f%05ld.txt", dir, f % 64, f);
    FILE *out = fopen(path, "w");
    if (!out) { perror(path); return 1; }
    /* File sizes vary from half to one and a half times KIB. */
    long size = kib * 1024 / 2 + (long)(next() % (uint64_t)(kib * 1024 + 1)), written = 0;
    while (written < size) {
      long n = next() % 8 == 0 ? 0 : (long)(next() % (uint64_t)maxWords);
      for (long w = 0; w < n; w++) {
        const char *word = words[next() % nwords];
        if (w) written += fputc(' ', out) != EOF;
        written += (long)fwrite(word, 1, strlen(word), out);
      }
      written += fputc('\n', out) != EOF;
    }
    if (fclose(out) != 0) { perror(path); return 1; }
  }
  return 0;
}
