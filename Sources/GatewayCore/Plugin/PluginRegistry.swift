/// The channel plugins an application offers, by `type`.
public struct PluginRegistry: Sendable {
    public let plugins: [any ChannelPlugin]

    /// - Precondition: no two plugins share a `type`.
    public init(_ plugins: [any ChannelPlugin]) {
        var seen = Set<String>()
        for plugin in plugins {
            for name in [plugin.type] + plugin.typeAliases {
                precondition(seen.insert(name).inserted, "two channel plugins register type \(name)")
            }
        }
        self.plugins = plugins
    }

    public subscript(type: String) -> (any ChannelPlugin)? {
        plugins.first { $0.type == type } ?? plugins.first { $0.typeAliases.contains(type) }
    }

    public var types: [String] { plugins.map(\.type) }
}
