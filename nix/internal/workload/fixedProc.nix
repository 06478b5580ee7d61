# fixedProc :: drv
# Arguments and result: docs/API.md, `fixedProc`.
#
# lib/libnix-pgo-fixed-proc.so (internal/workload/fixed-proc.c), which every workload gets in
# LD_PRELOAD: the mount table and cgroup files a process reads from /proc describe the
# builder, and programs that size their thread pools read them; a fixed text makes their
# profiles and instruction counts the same on every builder.
{ compileC }:
compileC {
  name = "nix-pgo-fixed-proc";
  source = ./fixed-proc.c;
  output = "lib/libnix-pgo-fixed-proc.so";
  flags = [ "-shared" "-fPIC" "-O2" "-Wall" "-Werror" ];
  libraries = [ "-ldl" ];
}
