import Foundation

extension ConfigLoader {
    /// Builds each `[[channel]]`: its name and type, its keys checked against
    /// its plugin's options, its folders against every other channel's, then
    /// the plugin's own checks (parser, HTTP intake, polls, remote sources).
    /// Every problem of every channel is added to `problems`; a channel with
    /// one is left out.
    func configureChannels(_ channelTables: [[String: ConfigValue]], storage: StorageSettings, archive: ArchiveSettings, file: String,
                           baseDirectory: URL, locator: TOMLKeyLocator, problems: inout [ConfigProblem],
                           secretProblem: ConfigProblemReport) -> [ConfiguredChannel] {
        func problem(_ key: String?, _ message: String, line: Int? = nil) {
            problems.append(ConfigProblem(file: file, line: line ?? key.flatMap { locator.line(of: $0) }, key: key, message: message))
        }
        var channels: [ConfiguredChannel] = []
        var namesSeen: [String: Int] = [:]
        var foldersSeen: [String: String] = [:]
        for (index, table) in channelTables.enumerated() {
            let prefix = "channel[\(index)]"
            let headerLine = locator.line(of: prefix)
            let name = table["name"]?.stringValue
            let label = name.map { "channel \"\($0)\"" } ?? "channel #\(index + 1)"
            var ok = true
            if let name {
                if name.isEmpty || !name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) {
                    problem("\(prefix).name", "\(label): name must be non-empty and use only \(Self.channelNamePattern)")
                    ok = false
                } else if let first = namesSeen[name] {
                    problem("\(prefix).name", "duplicate channel name \"\(name)\" (first declared on line \(first))")
                    ok = false
                } else {
                    namesSeen[name] = locator.line(of: "\(prefix).name") ?? headerLine ?? 0
                }
            } else if table["name"] == nil {
                problem(nil, "\(label): missing required key \"name\"", line: headerLine)
                ok = false
            } else {
                problem("\(prefix).name", "\(label): name must be a string")
                ok = false
            }
            guard let typeValue = table["type"] else {
                problem(nil, "\(label): missing required key \"type\" (one of: \(registry.types.joined(separator: ", ")))", line: headerLine)
                continue
            }
            guard let type = typeValue.stringValue, let plugin = registry[type] else {
                problem("\(prefix).type", "\(label): unknown channel type \(typeValue.stringValue.map { "\"\($0)\"" } ?? typeValue.kindName); known types: \(registry.types.joined(separator: ", "))")
                continue
            }
            var rest = table
            rest["name"] = nil
            rest["type"] = nil
            let before = problems.count
            let valid = validate(.table(rest), against: plugin.options, path: prefix, label: label, problem: problem,
                                 reserved: ["name", "type"])
            if problems.count != before { ok = false }
            // The plugin's own checks run on the values whose kinds are right, even
            // when others are wrong, so one run of `check` reports every problem;
            // without a required value they would only guess (and mislead).
            guard let name, plugin.options.allSatisfy({ !$0.required || valid[$0.key] != nil }) else { continue }
            var checked = valid
            checked["name"] = table["name"]
            checked["type"] = table["type"]
            var settings = ChannelSettings(name: name, type: type, values: checked, keyPrefix: prefix, file: file,
                                           baseDirectory: baseDirectory, locator: locator)
            settings.servingSecrets = servingSecrets
            if servingSecrets == .deferred {
                // The plugin's `secret(_:)` returns nil for these; say why here.
                for option in plugin.options where option.isSecretReference {
                    guard let reference = settings.table(option.key),
                          case .failure(let reason) = SecretValue.resolve(reference, baseDirectory: baseDirectory) else { continue }
                    secretProblem("\(prefix).\(option.key)", "\(label) \(option.key): \(reason.text)")
                }
            }
            for (key, url) in plugin.watchedFolders(in: settings) {
                let path = url.resolvingSymlinksInPath().path
                if let refusal = WatchedFolderPolicy.problem(with: url, store: storage.engine == .sqlite ? storage.path : nil,
                                                              archive: archive.path) {
                    problems.append(settings.problem(key, refusal))
                    ok = false
                }
                if let other = foldersSeen[path] {
                    problems.append(settings.problem(key, "folder \(path) is already watched by channel \"\(other)\"; a file must belong to one channel"))
                    ok = false
                } else {
                    foldersSeen[path] = name
                }
            }
            // Both steps run even when the first fails, so every problem is reported at once.
            var parser: (any ChannelParser)? = nil
            var intake: HTTPIntake? = nil
            var polls: [PollTarget] = []
            var remotes: [any RemoteSource] = []
            for step in 0..<4 {
                do {
                    switch step {
                    case 0: parser = try plugin.makeParser(settings)
                    case 1: intake = try plugin.httpIntake(settings)
                    case 2: polls = try plugin.pollTargets(settings)
                    default: remotes = try plugin.remoteSources(settings)
                    }
                } catch let error as ConfigError {
                    problems += error.problems
                    ok = false
                } catch {
                    problems.append(ConfigProblem(file: file, line: headerLine, key: label, message: "\(error)"))
                    ok = false
                }
            }
            if ok, let parser {
                channels.append(ConfiguredChannel(settings: settings, plugin: plugin, parser: parser, httpIntake: intake, pollTargets: polls,
                                                  remoteSources: remotes))
            }
        }
        return channels
    }
}
