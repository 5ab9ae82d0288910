import ServiceLifecycle

/// Runs one worker per item of a set that each reload may change: a worker
/// per poll target, a worker per sink.
///
/// On a new configuration, the workers whose item is gone or changed are told
/// to stop (they finish the input in hand), and a worker starts for every new
/// or changed item; a changed item's new worker starts only after the old one
/// has ended, so one feed or sink never has two workers at once. On graceful
/// shutdown every worker stops and the set returns when the last has ended.
struct WorkerSet<Item: Sendable>: Sendable {
    /// The items the configuration asks for, by a key unique among them.
    let items: @Sendable (ServingConfiguration) -> [(key: String, item: Item)]
    /// Whether a worker for `old` can go on serving `new`.
    let unchanged: @Sendable (_ old: Item, _ new: Item) -> Bool
    /// One worker's loop; it returns when `stop.isStopped`.
    let work: @Sendable (Item, StopSignal) async -> Void

    private struct Running {
        var item: Item
        var stop: StopSignal
    }

    func run(following live: LiveConfiguration) async {
        await withDiscardingTaskGroup { group in
            var running: [String: Running] = [:]
            var generation = -1
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let configuration = live.current
                if configuration.generation != generation {
                    generation = configuration.generation
                    var wanted: [String: Item] = [:]
                    for (key, item) in items(configuration) { wanted[key] = item }
                    var ending: [String: StopSignal] = [:]
                    for (key, worker) in running {
                        if let item = wanted[key], unchanged(worker.item, item) { continue }
                        worker.stop.stop()
                        ending[key] = worker.stop
                        running[key] = nil
                    }
                    for (key, item) in wanted where running[key] == nil {
                        let stop = StopSignal(), previous = ending[key]
                        running[key] = Running(item: item, stop: stop)
                        group.addTask {
                            await previous?.waitUntilFinished()
                            if !stop.isStopped { await work(item, stop) }
                            stop.markFinished()
                        }
                    }
                }
                let seen = generation
                await cancelWhenGracefulShutdown { await live.waitForChange(after: seen) }
            }
            for worker in running.values { worker.stop.stop() }
        }
    }
}
