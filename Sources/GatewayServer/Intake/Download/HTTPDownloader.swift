import Foundation
import GatewayCore
import NIOPosix
import Synchronization

/// Downloads over HTTP(S) into the raw archive, within a request's limits
/// (see `CurlTransfer`). libcurl blocks, so each download runs on the
/// `NIOThreadPool`, never on the concurrency pool; cancelling the calling
/// task ends the transfer at its next progress callback (within a second).
public struct HTTPDownloader: Sendable {
    let archive: RawArchive
    let pool: NIOThreadPool

    /// The downloads' own threads: on the shared singleton a download would
    /// queue behind the stores' blocking transactions (and they behind a slow
    /// feed), and its deadline would include the wait. Started once, for the
    /// life of the process, like the singleton.
    public static let downloads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    public init(archive: RawArchive, pool: NIOThreadPool = HTTPDownloader.downloads) {
        self.archive = archive
        self.pool = pool
    }

    public func download(_ request: DownloadRequest) async throws -> DownloadResponse {
        let cancelled = CancelFlag()
        let archive = self.archive
        return try await withTaskCancellationHandler {
            try await pool.runIfActive {
                try CurlTransfer(request: request, archive: archive, cancelled: cancelled).run()
            }
        } onCancel: {
            cancelled.flag.store(true, ordering: .relaxed)
        }
    }
}

/// Set by the task's cancellation handler, read by the transfer's progress callback.
final class CancelFlag: Sendable {
    let flag = Atomic<Bool>(false)
}
