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

    public init(archive: RawArchive, pool: NIOThreadPool = .singleton) {
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
