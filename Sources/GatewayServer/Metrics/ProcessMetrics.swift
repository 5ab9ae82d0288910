#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The standard Prometheus process metrics (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_open_fds`, …), read from
/// `/proc/self` when `/metrics` is scraped, as the official clients do.
enum ProcessMetrics {
    /// The metrics in the text exposition format; empty where `/proc` is missing.
    static func text() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return "" }
        // Fields after the command name (which may hold spaces), from field 3 (state).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: Double) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))")
        }
        metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (field(14) + field(15)) / ticks)
        metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * pageSize)
        metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23))
        if let bootTime = bootTime() {
            metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                   Double(bootTime) + field(22) / ticks)
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // The listing itself holds one descriptor while it runs.
            metric("process_open_fds", "gauge", "Number of open file descriptors.", Double(max(0, open.count - 1)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Seconds since the epoch at boot (`btime` in `/proc/stat`).
    private static func bootTime() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
