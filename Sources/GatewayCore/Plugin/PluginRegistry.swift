/// The channel plugins an application offers, by `type`.
public struct PluginRegistry: Sendable {
    public let plugins: [any ChannelPlugin]

    /// - Precondition: no two plugins share a `type`.
    public init(_ plugins: [any ChannelPlugin]) {
        var seen = Set<String>()
        for plugin in plugins {
            precondition(seen.insert(plugin.type).inserted, "two channel plugins register type \(plugin.type)")
        }
        self.plugins = plugins
    }

    public subscript(type: String) -> (any ChannelPlugin)? {
        plugins.first { $0.type == type }
    }

    public var types: [String] { plugins.map(\.type) }
}
