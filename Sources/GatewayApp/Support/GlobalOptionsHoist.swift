import ArgumentParser

extension GatewayCommand {
    /// Options every command takes, as they may be written before the command:
    /// `complaint-gateway --config /etc/complaint-gateway/channels.conf ingest --channel mail -`
    /// (how MTAs' pipe lines and most tools put them).
    static let globalOptionsTakingValues: Set<String> = ["--config", "--log-level"]

    /// `arguments` with global options written before the (sub)command moved
    /// to just after it, where ArgumentParser reads them; anything else is
    /// left as it was, so a mistake still gets ArgumentParser's message.
    public static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard globalOptionsTakingValues.contains(name) else { break }
            if argument.contains("=") {
                leading.append(argument)
                index += 1
            } else {
                guard index + 1 < arguments.count else { return arguments }
                leading += [argument, arguments[index + 1]]
                index += 2
            }
        }
        guard !leading.isEmpty else { return arguments }
        // The command path: as deep as the words name subcommands.
        var command: any ParsableCommand.Type = GatewayCommand.self
        var path: [String] = []
        while index < arguments.count,
              let next = command.configuration.subcommands.first(where: { $0._commandName == arguments[index] }) {
            path.append(arguments[index])
            command = next
            index += 1
        }
        guard !path.isEmpty else { return arguments }
        return path + leading + arguments[index...]
    }
}
