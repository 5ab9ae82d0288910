import Foundation
import Synchronization

extension IngestPipeline {
    /// How long a claim on an input keeps other instances off it: longer than
    /// the largest input takes (a 1 GiB mbox ingests in ~3 minutes); an
    /// instance that dies mid-file leaves it to the others after this.
    public static var claimDuration: TimeInterval { 15 * 60 }

    /// Takes files in, the one path every file source uses (`ingest`,
    /// `import`, the drop-folder watcher): digest → skip if already done →
    /// claim → archive → parse → queue for commit → release.
    ///
    /// Up to `parallelism` files are read and parsed at once, and committed in
    /// the order given (so dedup decides as if they came one by one), many per
    /// transaction (`GroupCommitter`). `handle` is called once per file, in
    /// order, after the file's commit: only then may the caller acknowledge it
    /// (mark it done, print it, delete it). An input larger than one batch is
    /// committed as it is read, on its own. Once `stopTaking` returns true
    /// (a graceful shutdown), files not yet started are not taken; the ones
    /// started are finished.
    public func ingest(files: [IntakeFile], parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                       owner: String = WorkerIdentity.current.description,
                       progress: (@Sendable (IntakeFile, IngestCounts) -> Void)? = nil,
                       stopTaking: () -> Bool = { false },
                       handle: @escaping @Sendable (IntakeFile, IntakeFileResult) async -> Void) async {
        let window = max(1, parallelism)
        // Parsed inputs waiting for their commit are held in memory: bounded.
        let maxQueued = max(window, committer.maxInputs)
        var next = 0
        var preparing: [Task<FilePreparation, Never>] = []
        var committing: [FileCommit] = []
        func fill() {
            // Files not yet started are left (for the next scan) once asked to stop.
            while preparing.count < window, next < files.count, !stopTaking() {
                let file = files[next]
                next += 1
                preparing.append(Task { await self.prepare(file, owner: owner) })
            }
        }
        /// Reports the files at the head of the queue whose commit has ended
        /// (all of them with `waiting`), in order.
        func report(waiting: Bool) async {
            while let head = committing.first, waiting || head.isFinished {
                committing.removeFirst()
                let (file, result) = await head.task.value
                await handle(file, result)
            }
        }
        fill()
        while !preparing.isEmpty {
            let preparation = await preparing.removeFirst().value
            fill()
            let file = preparation.file
            switch preparation.state {
            case .done(let result):
                committing.append(FileCommit(file: file, result: result))
            case .whole(let whole, let started):
                let promise = committer.enqueue(whole.commit)
                committing.append(FileCommit(file: file) {
                    let result: IntakeFileResult
                    do {
                        let report = self.completed(whole, outcome: try await promise.value)
                        self.finished(report, channel: file.channel, raw: whole.commit.input.start.object.sha256, source: file.url.path,
                                      since: started)
                        result = .ingested(report)
                    } catch {
                        result = .failed(error)
                    }
                    await self.release(whole.commit.input.start.object.sha256, channel: file.channel.name, owner: owner)
                    return result
                })
            case .large(let large, let started):
                // Committed in order: everything queued before it goes first. Streamed
                // from where preparing stopped: the first batch is already read.
                await report(waiting: true)
                let result: IntakeFileResult
                var onProgress: (@Sendable (IngestCounts) -> Void)? = nil
                if let progress { onProgress = { progress(file, $0) } }
                var parse = large.take()
                let sha256 = parse.start.object.sha256
                do {
                    let report = try await stream(&parse, start: parse.start, progress: onProgress)
                    finished(report, channel: file.channel, raw: sha256, source: file.sourceName ?? file.url.path, since: started)
                    result = .ingested(report)
                } catch {
                    result = .failed(error)
                }
                await release(sha256, channel: file.channel.name, owner: owner)
                await handle(file, result)
            }
            await report(waiting: false)
            if committing.count >= maxQueued, let head = committing.first { _ = await head.task.value }
            await report(waiting: false)
        }
        await report(waiting: true)
    }

    /// A file read and parsed, or what stopped it.
    struct FilePreparation: Sendable {
        enum State: Sendable {
            case done(IntakeFileResult)
            case whole(PreparedInput, started: ContinuousClock.Instant)
            case large(LargeInput, started: ContinuousClock.Instant)
        }
        var file: IntakeFile
        var state: State
    }

    /// Everything before the commit, off the committer: open, digest, skip,
    /// claim, archive, parse.
    private func prepare(_ file: IntakeFile, owner: String) async -> FilePreparation {
        let started = ContinuousClock.now
        let channel = file.channel.name
        var claimed: String? = nil
        do {
            // Opened once: the entry checked is the one hashed and archived, even
            // if someone swaps it for a link meanwhile.
            let input = try InputFile.open(file.url, links: file.links)
            let digest = try RawArchive.digest(of: input)
            if file.skipIfFinished, try await store.hasFinishedIngestion(sha256: digest.sha256, channel: channel) {
                return FilePreparation(file: file, state: .done(.alreadyIngested))
            }
            // Several instances may read one shared folder, or an operator may run
            // `ingest` beside `serve`: one of them takes the input.
            guard try await store.claimInput(sha256: digest.sha256, channel: channel, owner: owner, for: Self.claimDuration) else {
                return FilePreparation(file: file, state: .done(.claimedElsewhere))
            }
            claimed = digest.sha256
            // It may have finished between the first look and the claim.
            if file.skipIfFinished, try await store.hasFinishedIngestion(sha256: digest.sha256, channel: channel) {
                await release(digest.sha256, channel: channel, owner: owner)
                return FilePreparation(file: file, state: .done(.alreadyIngested))
            }
            let object = try archive.store(input)
            let receivedAt = file.receivedAt == .modified ? input.modified : Date()
            let parse = begin(object, sourceName: file.sourceName ?? file.url.path, channel: file.channel,
                              receivedAt: receivedAt, mediaType: nil, metadata: [:])
            guard let whole = PreparedInput(parse, dedup: dedup) else {
                return FilePreparation(file: file, state: .large(LargeInput(parse), started: started))
            }
            return FilePreparation(file: file, state: .whole(whole, started: started))
        } catch {
            if let claimed { await release(claimed, channel: channel, owner: owner) }
            return FilePreparation(file: file, state: .done(.failed(error)))
        }
    }

    /// A file larger than one batch, its first batch read: handed from the
    /// task that prepared it to the loop that streams it, so it is parsed once.
    ///
    /// `@unchecked Sendable`: the parse (an open reader) is not Sendable, but
    /// it is never shared. The preparing task builds the box and ends; the
    /// loop reads it only after awaiting that task (which orders the two),
    /// exactly once (`take`).
    final class LargeInput: @unchecked Sendable {
        private var parse: InputParse?

        init(_ parse: InputParse) {
            self.parse = parse
        }

        func take() -> InputParse {
            defer { parse = nil }
            guard let parse else { preconditionFailure("a large input is streamed once") }
            return parse
        }
    }

    /// One file's commit, reported in the files' order once it has ended.
    final class FileCommit: Sendable {
        let task: Task<(IntakeFile, IntakeFileResult), Never>
        private let ended: Ended

        private final class Ended: Sendable {
            let flag = Atomic(false)
        }

        var isFinished: Bool { ended.flag.load(ordering: .acquiring) }

        init(file: IntakeFile, _ work: @escaping @Sendable () async -> IntakeFileResult) {
            let ended = Ended()
            self.ended = ended
            task = Task {
                let result = await work()
                ended.flag.store(true, ordering: .releasing)
                return (file, result)
            }
        }

        convenience init(file: IntakeFile, result: IntakeFileResult) {
            self.init(file: file) { result }
        }
    }

    private func release(_ sha256: String, channel: String, owner: String) async {
        try? await store.releaseInput(sha256: sha256, channel: channel, owner: owner)
    }
}
