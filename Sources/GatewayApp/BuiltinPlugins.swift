import GatewayCore
import CallLogChannel
import EmailChannel
import SocialFeedChannel
import WebFormChannel

/// The channel plugins this build of the gateway offers. Adding a plugin is
/// adding its folder under `Plugins/`, its name in `Package.swift`, and one
/// line here.
public enum BuiltinPlugins {
    public static let registry = PluginRegistry([
        CallLogPlugin(),
        EmailPlugin(),
        SocialFeedPlugin(),
        WebFormPlugin(),
    ])
}
