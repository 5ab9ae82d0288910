import GatewayCore

/// The web-form channel: complaints posted to `POST /v1/forms/{channel}` as
/// urlencoded, multipart (with file uploads) or JSON bodies, mapped to the
/// complaint by the fields the channel declares.
public struct WebFormPlugin: ChannelPlugin {
    public init() {}

    public var type: String { "web_form" }
    public var typeAliases: [String] { ["webform"] }
    public var summary: String { "Web form posts (urlencoded, multipart with uploads, JSON) received by `serve`." }

    public var options: [OptionSpec] { WebFormSettings.options }

    public static let defaultClientRate = "60/minute"

    public func makeParser(_ settings: ChannelSettings) throws -> any ChannelParser {
        WebFormParser(settings: try WebFormSettings(settings))
    }

    /// Declared attribute fields, unless they hold an email address or a phone
    /// number or say `personal = true`. Undeclared fields are whatever a sender
    /// typed into a form field nobody reviewed: personal.
    public func sharedAttributes(_ settings: ChannelSettings) -> Set<String> {
        guard let form = try? WebFormSettings(settings) else { return [] }
        return Set(form.fields.filter { $0.target == .attribute && !$0.isPersonal }.map(\.attributeName))
    }

    public func httpIntake(_ settings: ChannelSettings) throws -> HTTPIntake? {
        var problems: [ConfigProblem] = []
        var clientRate = RateLimit(parsing: Self.defaultClientRate), channelRate: RateLimit? = nil
        var secret: SecretValue? = nil
        do {
            clientRate = try settings.rate("rate_limit_per_client") ?? clientRate
        } catch { problems += error.problems }
        do {
            channelRate = try settings.rate("rate_limit")
        } catch { problems += error.problems }
        do {
            secret = try settings.secret("signature_secret")
        } catch { problems += error.problems }
        let origins = settings.strings("cors_origins") ?? []
        for origin in origins where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin.hasSuffix("/") {
            problems.append(settings.problem("cors_origins", "\"\(origin)\" is not an origin like https://www.example.com (scheme and host, no path)"))
        }
        guard problems.isEmpty else { throw ConfigError(problems) }
        var intake = HTTPIntake(maxBodyBytes: settings.int("max_body_bytes") ?? WebFormSettings.defaultMaxBodyBytes,
                                acceptedMediaTypes: WebFormSettings.mediaTypes, clientRate: clientRate, channelRate: channelRate,
                                corsOrigins: origins, signatureSecret: secret, thankYouURL: settings.string("thank_you_url"))
        intake.requiresToken = settings.bool("require_token") ?? false
        return intake
    }
}
