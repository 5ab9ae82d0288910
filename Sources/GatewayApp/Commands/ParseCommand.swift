import ArgumentParser
import Foundation
import ComplaintModel
import GatewayCore

/// `complaint-gateway parse`: a dry run of one plugin on files.
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Run one channel plugin on files and print the normalized complaints as NDJSON, storing nothing.",
        discussion: """
            Settings are given as --set key=value, with the same keys and checks as a [[channel]] \
            table (values are TOML: bare words are taken as strings). Records that would be \
            quarantined print as {"quarantined": {...}} lines. Example:
              complaint-gateway parse --type call_log --set format=asterisk --set time_zone=Asia/Shanghai Master.csv
            """
    )

    /// Taken like every command's (`--log-level` applies; `--config` is
    /// accepted and unused: parse needs no configuration file).
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Channel plugin type (see `complaint-gateway channels`).")
    var type: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A channel setting.", valueName: "key=value"))
    var settings: [String] = []

    @Option(name: .long, help: "Channel name used to derive complaint ids.")
    var name: String = "dry-run"

    @Argument(help: "Input files.")
    var files: [String]

    func run() async throws {
        _ = global.logger("complaint-gateway.parse")
        do {
            let channel = try makeChannel()
            let normalizer = Normalizer()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var counts = IngestCounts()
            // A folder stands for its inputs (a Maildir for its messages).
            var paths: [String] = []
            for path in files {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    let listing = try channel.plugin.inputFiles(in: URL(fileURLWithPath: path))
                    for entry in listing.skipped { StandardError.write("complaint-gateway: \(entry)") }
                    paths += listing.files.map(\.path)
                } else {
                    paths.append(path)
                }
            }
            for path in paths {
                let url = URL(fileURLWithPath: path)
                let digest = try RawArchive.digest(fileAt: url, links: .follow)
                let input = RawInput(url: url, sha256: digest.sha256, size: digest.size,
                                     mediaType: channel.plugin.mediaType, originalName: path)
                // NDJSON written as bytes straight into the output buffer.
                var lines: [UInt8] = []
                func emit(_ line: String) {
                    lines.append(contentsOf: line.utf8)
                    endLine()
                }
                func endLine() {
                    lines.append(0x0A)
                    if lines.count > 1 << 16 { flush() }
                }
                func flush() {
                    FileHandle.standardOutput.write(Data(lines))
                    lines.removeAll(keepingCapacity: true)
                }
                do {
                    let reader = try NormalizingReader(channel: channel, input: input, receivedAt: Date(), normalizer: normalizer)
                    while let event = try reader.next() {
                        counts.read += 1
                        switch event {
                        case .complaint(let normalized):
                            counts.new += 1
                            ComplaintJSON.write(normalized.complaint, contentOnly: false, into: &lines)
                            endLine()
                        case .skipped:
                            counts.skipped += 1
                        case .rejected(let rejection):
                            counts.quarantined += 1
                            emit(try Self.quarantineLine(file: path, rejection: rejection, encoder: encoder))
                        }
                    }
                } catch {
                    counts.quarantined += 1
                    let rejection = (error as? Rejection) ?? Rejection(reason: "cannot parse input: \(error)")
                    emit(try Self.quarantineLine(file: path, rejection: rejection, encoder: encoder))
                }
                flush()
            }
            StandardError.write("parsed \(paths.count) file\(paths.count == 1 ? "" : "s"): read \(counts.read), complaints \(counts.new), quarantined \(counts.quarantined), skipped \(counts.skipped)")
        } catch {
            throw GatewayExit.report(error)
        }
    }

    /// Builds a one-channel configuration from the flags, checked like channels.conf.
    private func makeChannel() throws -> ConfiguredChannel {
        var toml = "[[channel]]\nname = \(ConfigLoader.tomlLiteral(name))\ntype = \(ConfigLoader.tomlLiteral(type))\n"
        for setting in settings {
            guard let eq = setting.firstIndex(of: "="), eq != setting.startIndex else {
                throw ValidationError("--set takes key=value, got \"\(setting)\"")
            }
            let key = setting[..<eq].trimmingCharacters(in: .whitespaces)
            toml += "\(key) = \(ConfigLoader.tomlLiteral(String(setting[setting.index(after: eq)...])))\n"
        }
        let loader = ConfigLoader(registry: BuiltinPlugins.registry, servingSecrets: .deferred)
        do {
            let loaded = try loader.load(text: toml, file: "--set", baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            return loaded.channels[0]
        } catch {
            // Lines of the generated text mean nothing to the user: keep keys and messages.
            throw ConfigError(error.problems.map { ConfigProblem(file: "parse", line: nil, key: $0.key, message: $0.message) })
        }
    }

    static func quarantineLine(file: String, rejection: Rejection, encoder: JSONEncoder) throws -> String {
        struct Line: Encodable {
            struct Entry: Encodable {
                var file: String
                var location: String?
                var reason: String
                var excerpt: String?
            }
            var quarantined: Entry
        }
        let line = Line(quarantined: .init(file: file, location: rejection.location, reason: rejection.reason, excerpt: rejection.excerpt))
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }
}
