import GatewayCore

/// The web-form channel: complaints posted to `POST /v1/forms/{channel}` as
/// urlencoded, multipart (with file uploads) or JSON bodies, mapped to the
/// complaint by the fields the channel declares.
public struct WebFormPlugin: ChannelPlugin {
    public init() {}

    public var type: String { "web_form" }
    public var typeAliases: [String] { ["webform"] }
    public var summary: String { "Web form posts (urlencoded, multipart with uploads, JSON) received by `serve`." }

    public var options: [OptionSpec] {
        [
            OptionSpec("fields", .namedTables(FormFieldSpec.options), required: true,
                       help: "The form's fields, one inline table each under [channel.fields]; undeclared fields land in attributes."),
            OptionSpec("charset", .charset, default: "utf-8",
                       help: "Charset of posts that name none (legacy Chinese sites post GBK: \"gbk\")."),
            OptionSpec("honeypot", .string, help: "A hidden field people never fill; a post that fills it is answered 202 but quarantined as spam, never fed."),
            OptionSpec("submission_id_field", .string, help: "A field with a client-generated submission id; a repeated post with the same id is the same complaint."),
            OptionSpec("default_country", .string, default: "CN", help: "Country for national phone numbers (ISO 3166 code)."),
            OptionSpec("content_type", .string, help: "Content-Type assumed for request bodies read from files (parse, ingest); HTTP posts carry their own."),
            OptionSpec("max_body_bytes", .integer, default: "\(WebFormSettings.defaultMaxBodyBytes)", help: "Largest accepted body; larger posts get 413."),
            OptionSpec("rate_limit_per_client", .string, default: Self.defaultClientRate,
                       help: "Posts per client address, \(RateLimit.syntax); over it, 429 with Retry-After."),
            OptionSpec("rate_limit", .string, help: "Posts for the whole channel, \(RateLimit.syntax). Absent: no channel-wide limit."),
            OptionSpec("cors_origins", .stringArray, help: "Origins allowed to post from browsers (\"https://www.example.com\"); others get 403. Absent: any origin, no CORS headers."),
            SecretValue.option("signature_secret", help: "HMAC-SHA256 key: every post must carry X-Signature: sha256=<hex of HMAC(body)>, or gets 401."),
            OptionSpec("thank_you_url", .string, help: "Where browsers (Accept: text/html) are sent after a post (303)."),
            OptionSpec("require_token", .boolean, default: "false", help: "Posts need Authorization: Bearer with a [[token]] of scope forms:write (401/403 otherwise)."),
        ]
    }

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
