import Foundation
import Synchronization

/// Runs a real child process and collects what it printed.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Non-empty lines of standard output.
    public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

public enum ProcessRunner {
    /// Runs `executable` with `arguments` in `directory`, feeding `input` on stdin.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           input: Data? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let errThread = Thread { errData.set(readToEnd(err.fileHandleForReading)) }
        errThread.start()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()
        let outData = readToEnd(out.fileHandleForReading)
        process.waitUntilExit()
        while !errData.isSet { Thread.sleep(forTimeInterval: 0.005) }
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// The same, for async tests: the child is waited for on a thread of its
    /// own, never on one of the few threads Swift concurrency runs every task
    /// on (two on a 2-core machine), where two waiting tests would stall every
    /// in-process server of the other tests.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                           input: Data? = nil, environment: [String: String] = [:]) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try run(executable, arguments, in: directory, input: input, environment: environment) as ProcessResult
                })
            }.start()
        }
    }

    /// The `complaint-gateway` executable built alongside the tests.
    public static var gatewayExecutable: URL {
        if let env = ProcessInfo.processInfo.environment["COMPLAINT_GATEWAY_BIN"] {
            return URL(fileURLWithPath: env)
        }
        // Tests run from the build products folder (`.build/<triple>/debug`), where
        // the executable product is built too.
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        candidates.append(RepositoryPaths.root.appendingPathComponent(".build/debug"))
        for dir in candidates {
            var d = dir
            for _ in 0..<4 {
                let bin = d.appendingPathComponent("complaint-gateway")
                if FileManager.default.isExecutableFile(atPath: bin.path) { return bin }
                d.deleteLastPathComponent()
            }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/complaint-gateway")
    }
}

/// Data written by one thread and read by another.
final class LockedData: Sendable {
    private let state = Mutex<Data?>(nil)

    func set(_ d: Data) { state.withLock { $0 = d } }
    func get() -> Data { state.withLock { $0 ?? Data() } }
    var isSet: Bool { state.withLock { $0 != nil } }
}

/// Everything a pipe gives until EOF, retrying reads interrupted by signals
/// (FileHandle's own readers trap on EINTR, and child processes ending send
/// SIGCHLD to the test process).
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(handle.fileDescriptor, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return data }
        data.append(contentsOf: buffer[0..<n])
    }
}
