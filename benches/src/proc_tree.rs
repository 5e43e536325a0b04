//! What a whole process tree costs, sampled from /proc: a browser is many processes, so the kernel's `wait4`
//! figures for the one process we started would miss most of it. Every [`EVERY`], the sampler finds the root and
//! all its descendants and sums their CPU time (/proc/PID/stat) and their proportional set size
//! (/proc/PID/smaps_rollup, so pages shared between the tree's processes are counted once in all).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the tree is sampled.
pub const EVERY: Duration = Duration::from_millis(500);

/// What the tree cost, from the samples taken while its root was alive.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct TreeCost {
    /// The tree's CPU time (user + system) at the last sample before the root ended. Each process counts its own
    /// time and that of the children it has already reaped (`cutime`, `cstime`), so a process of the tree that
    /// ended between two samples is still counted if a process of the tree reaped it.
    pub cpu: Duration,
    /// The highest sum of the tree's PSS seen in one sample, in KiB.
    pub peak_pss_kib: u64,
    /// The most processes seen in the tree in one sample.
    pub peak_processes: usize,
    /// The root process alone at the same samples: its own CPU time (not its children's) and its peak PSS, in KiB.
    pub root_cpu: Duration,
    pub root_peak_pss_kib: u64,
    pub samples: usize,
}

/// A sampler running on its own thread until its root ends or [`Sampler::finish`] is called.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<TreeCost>,
}

impl Sampler {
    /// Starts sampling the tree under `root` (a child of ours, so its pid cannot be reused before we reap it).
    pub fn start(root: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut cost = TreeCost::default();
            while !stopped.load(Ordering::Relaxed) {
                let Some(sample) = sample(root) else { break };
                cost.cpu = sample.cpu;
                cost.peak_pss_kib = cost.peak_pss_kib.max(sample.pss_kib);
                cost.root_cpu = sample.root_cpu;
                cost.root_peak_pss_kib = cost.root_peak_pss_kib.max(sample.root_pss_kib);
                cost.peak_processes = cost.peak_processes.max(sample.processes);
                cost.samples += 1;
                std::thread::sleep(EVERY);
            }
            cost
        });
        Sampler { stop, thread }
    }

    /// Stops sampling (the root has ended by now) and returns what the samples found.
    pub fn finish(self) -> TreeCost {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

struct Sample {
    cpu: Duration,
    pss_kib: u64,
    processes: usize,
    root_cpu: Duration,
    root_pss_kib: u64,
}

/// One look at the tree; none once the root has ended (gone, or a zombie whose children have left it).
fn sample(root: u32) -> Option<Sample> {
    let stats: HashMap<u32, Stat> = std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, Stat::parse(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?)))
        .collect();
    if stats.get(&root).is_none_or(|stat| stat.state == 'Z') {
        return None;
    }
    let tree = descendants(root, &stats);
    let ticks: u64 = tree.iter().map(|pid| stats[pid].own_ticks + stats[pid].children_ticks).sum();
    let pss: Vec<u64> = tree
        .iter()
        .map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok().and_then(|text| pss_kib(&text)))
        .map(Option::unwrap_or_default)
        .collect();
    let seconds = |ticks: u64| Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second());
    Some(Sample {
        cpu: seconds(ticks),
        pss_kib: pss.iter().sum(),
        processes: tree.len(),
        root_cpu: seconds(stats[&root].own_ticks),
        root_pss_kib: pss[0],
    })
}

/// The fields of /proc/PID/stat the sampler needs.
#[derive(Debug, PartialEq)]
struct Stat {
    state: char,
    parent: u32,
    /// utime + stime, in clock ticks.
    own_ticks: u64,
    /// cutime + cstime: the children it has waited for, in clock ticks.
    children_ticks: u64,
}

impl Stat {
    /// Parses `pid (comm) state ppid … utime stime cutime cstime …`; the command name may hold spaces and
    /// parentheses, so fields are counted from its last `)`.
    fn parse(text: &str) -> Option<Stat> {
        let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
        // After the name: state is field 3 of the man page, ppid 4, utime 14 … cstime 17.
        let number = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
        let (own_ticks, children_ticks) = (number(14)? + number(15)?, number(16)? + number(17)?);
        Some(Stat { state: fields.first()?.chars().next()?, parent: number(4)? as u32, own_ticks, children_ticks })
    }
}

/// `root` and every process below it.
fn descendants(root: u32, stats: &HashMap<u32, Stat>) -> Vec<u32> {
    let mut tree = vec![root];
    let mut next = 0;
    while next < tree.len() {
        let parent = tree[next];
        tree.extend(stats.iter().filter(|(_, stat)| stat.parent == parent).map(|(pid, _)| *pid));
        next += 1;
    }
    tree
}

/// The `Pss:` line of /proc/PID/smaps_rollup, in KiB.
fn pss_kib(smaps_rollup: &str) -> Option<u64> {
    let line = smaps_rollup.lines().find_map(|line| line.strip_prefix("Pss:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_from_the_last_parenthesis_of_the_name() {
        let text = "4242 (Chrome_Child (x) 1) S 4200 4200 17 0 -1 4194560 900 0 0 0 250 40 7 3 20 0 12 0 \
                    123456 1000000 5000 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
        assert_eq!(
            Stat::parse(text),
            Some(Stat { state: 'S', parent: 4200, own_ticks: 250 + 40, children_ticks: 7 + 3 })
        );
        assert_eq!(Stat::parse("4242 (cut"), None);
        assert_eq!(Stat::parse("4242 (short) R 1 2"), None);
    }

    #[test]
    fn pss_is_read_from_its_own_line_not_from_pss_anon() {
        let text = "55d0c0000000-7ffd00000000 ---p 00000000 00:00 0    [rollup]\nRss:              143296 kB\n\
                    Pss:               98765 kB\nPss_Anon:          61234 kB\nPss_File:          37531 kB\n";
        assert_eq!(pss_kib(text), Some(98_765));
        assert_eq!(pss_kib("Rss: 1 kB\n"), None);
    }

    #[test]
    fn the_tree_holds_the_root_and_every_generation_below_it_only() {
        let stat = |parent| Stat { state: 'S', parent, own_ticks: 0, children_ticks: 0 };
        let stats = HashMap::from([(10, stat(1)), (11, stat(10)), (12, stat(11)), (13, stat(11)), (20, stat(1))]);
        let mut tree = descendants(10, &stats);
        tree.sort();
        assert_eq!(tree, [10, 11, 12, 13]);
    }
}
