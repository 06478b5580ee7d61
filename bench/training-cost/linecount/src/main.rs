//! linecount DIR...: lines, non-blank lines, words and the longest line (in characters) of
//! every file under the directories, counted by a pool of worker threads (one per CPU the
//! process may run on, or LINECOUNT_THREADS), as a naive program would: line by line,
//! through `BufRead::lines`. Prints the totals, then the files sorted by line count.
//! The program of the training-cost study (docs/training-cost.md): every line goes through
//! the same few functions on every thread, so their profile counters are contended.
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::{env, fs, process, thread};

#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    non_blank: u64,
    words: u64,
    longest: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.lines += other.lines;
        self.non_blank += other.non_blank;
        self.words += other.words;
        self.longest = self.longest.max(other.longest);
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn count_line(line: &str, counts: &mut Counts) {
    counts.lines += 1;
    if !line.trim().is_empty() {
        counts.non_blank += 1;
    }
    counts.words += line.split_whitespace().count() as u64;
    counts.longest = counts.longest.max(line.chars().count() as u64);
}

fn count_file(path: &Path) -> std::io::Result<Counts> {
    let mut counts = Counts::default();
    for line in BufReader::new(File::open(path)?).lines() {
        count_line(&line?, &mut counts);
    }
    Ok(counts)
}

fn threads() -> usize {
    match env::var("LINECOUNT_THREADS") {
        Ok(n) => n.parse().unwrap_or_else(|_| {
            eprintln!("linecount: LINECOUNT_THREADS={n} is not a number");
            process::exit(2)
        }),
        Err(_) => thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn main() {
    let dirs: Vec<String> = env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: linecount DIR...");
        process::exit(2);
    }
    let mut files = Vec::new();
    for dir in &dirs {
        if let Err(e) = walk(Path::new(dir), &mut files) {
            eprintln!("linecount: {dir}: {e}");
            process::exit(1);
        }
    }
    files.sort();

    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Counts::default(); files.len()]);
    thread::scope(|s| {
        for _ in 0..threads().max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                match count_file(path) {
                    Ok(c) => results.lock().unwrap()[i] = c,
                    Err(e) => {
                        eprintln!("linecount: {}: {e}", path.display());
                        process::exit(1);
                    }
                }
            });
        }
    });

    let results = results.into_inner().unwrap();
    let mut total = Counts::default();
    for c in &results {
        total.add(*c);
    }
    println!(
        "{} files, {} lines, {} non-blank, {} words, longest {}",
        files.len(),
        total.lines,
        total.non_blank,
        total.words,
        total.longest
    );
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(results[i].lines), i));
    for i in order.into_iter().take(10) {
        println!("{:>10} {}", results[i].lines, files[i].display());
    }
}
