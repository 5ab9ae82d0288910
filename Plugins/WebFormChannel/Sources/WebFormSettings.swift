import GatewayCore

/// A web-form channel's validated settings.
public struct WebFormSettings: Sendable {
    /// Declared fields, by name order (the order a 422 lists problems in).
    public var fields: [FormFieldSpec]
    /// Charset of posts that do not name one.
    public var charset: Charset
    /// A field humans never fill (hidden by CSS); a post that fills it is spam.
    public var honeypot: String?
    /// A field carrying a client-generated submission id: a repeated post with
    /// the same id is the same complaint.
    public var submissionIDField: String?
    public var phone: PhoneNumberNormalizer
    /// The Content-Type assumed for request bodies read from files (`parse`, `ingest`).
    public var contentType: String?
    public var maxBodyBytes: Int

    public static let defaultMaxBodyBytes = 1 << 20
    public static let mediaTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "application/json"]

    /// Checks the channel's settings, reporting every problem with its key.
    public init(_ settings: ChannelSettings) throws(ConfigError) {
        var problems: [ConfigProblem] = []
        let label = settings.string("charset") ?? "utf-8"
        if let c = Charset(label: label) { charset = c } else {
            charset = .utf8
            problems.append(settings.problem("charset", "unknown charset \"\(label)\" (this system's iconv cannot decode it)"))
        }
        let country = settings.string("default_country") ?? "CN"
        if let p = PhoneNumberNormalizer(defaultCountry: country) { phone = p } else {
            phone = PhoneNumberNormalizer(defaultCountry: "CN")!
            problems.append(settings.problem("default_country", "unknown country \"\(country)\"; known: \(PhoneNumberNormalizer.countries.keys.sorted().joined(separator: ", "))"))
        }
        honeypot = settings.string("honeypot")
        submissionIDField = settings.string("submission_id_field")
        contentType = settings.string("content_type")
        if let ct = contentType, !Self.mediaTypes.contains(HeaderParameters(parsing: ct).value) {
            problems.append(settings.problem("content_type", "\"\(ct)\" is not one of \(Self.mediaTypes.joined(separator: ", "))"))
        }
        maxBodyBytes = settings.int("max_body_bytes") ?? Self.defaultMaxBodyBytes
        if maxBodyBytes < 1 { problems.append(settings.problem("max_body_bytes", "must be at least 1")) }

        var fields: [FormFieldSpec] = []
        for (name, value) in (settings.table("fields") ?? [:]).sorted(by: { $0.key < $1.key }) {
            let t = value.tableValue ?? [:]
            let key = "fields.\(name)"
            let target = t["to"]?.stringValue.flatMap(FormFieldSpec.Target.init(rawValue:)) ?? .attribute
            let defaultType: FormFieldSpec.ValueType = switch target {
            case .customerEmail: .email
            case .customerPhone: .phone
            case .attachment: .file
            default: .text
            }
            let type = t["type"]?.stringValue.flatMap(FormFieldSpec.ValueType.init(rawValue:)) ?? defaultType
            let spec = FormFieldSpec(name: name, target: target, type: type, required: t["required"]?.boolValue ?? (target == .body),
                                     maxLength: t["max_length"]?.intValue, choices: t["choices"]?.stringArrayValue ?? [],
                                     attributeName: t["attribute"]?.stringValue, personal: t["personal"]?.boolValue ?? false)
            if type == .choice && spec.choices.isEmpty {
                problems.append(settings.problem("\(key).choices", "a choice field needs choices = [\"...\"]"))
            }
            if type != .choice && !spec.choices.isEmpty {
                problems.append(settings.problem("\(key).choices", "choices apply only to type = \"choice\""))
            }
            if (type == .file) != (target == .attachment) {
                problems.append(settings.problem("\(key).type", "file uploads go to = \"attachment\", and attachments are of type \"file\""))
            }
            if spec.maxLength < 1 { problems.append(settings.problem("\(key).max_length", "must be at least 1")) }
            if name == honeypot { problems.append(settings.problem("honeypot", "the honeypot field \"\(name)\" must not be a declared field")) }
            fields.append(spec)
        }
        for target in FormFieldSpec.Target.allCases where target != .attribute && target != .attachment {
            let mapped = fields.filter { $0.target == target }
            if mapped.count > 1 {
                problems.append(settings.problem("fields", "\(mapped.map(\.name).joined(separator: " and ")) both fill \(target.rawValue); map one field to it"))
            }
        }
        if !fields.contains(where: { $0.target == .body }) {
            problems.append(settings.problem("fields", "no field fills body; declare one with to = \"body\""))
        }
        guard problems.isEmpty else { throw ConfigError(problems) }
        self.fields = fields
    }
}

extension WebFormSettings {
    /// The keys of a `[[channel]]` with `type = "web_form"` (besides `name` and `type`).
    static let options: [OptionSpec] = [
        OptionSpec("fields", .namedTables(FormFieldSpec.options), required: true,
                   help: "The form's fields, one inline table each under [channel.fields]; undeclared fields land in attributes."),
        OptionSpec("charset", .charset, default: "utf-8",
                   help: "Charset of posts that name none (legacy Chinese sites post GBK: \"gbk\")."),
        OptionSpec("honeypot", .string, help: "A hidden field people never fill; a post that fills it is answered 202 but quarantined as spam, never fed."),
        OptionSpec("submission_id_field", .string, help: "A field with a client-generated submission id; a repeated post with the same id is the same complaint."),
        OptionSpec("default_country", .string, default: "CN", help: "Country for national phone numbers (ISO 3166 code)."),
        OptionSpec("content_type", .string, help: "Content-Type assumed for request bodies read from files (parse, ingest); HTTP posts carry their own."),
        OptionSpec("max_body_bytes", .integer, default: "\(WebFormSettings.defaultMaxBodyBytes)", help: "Largest accepted body; larger posts get 413."),
        OptionSpec("rate_limit_per_client", .string, default: WebFormPlugin.defaultClientRate,
                   help: "Posts per client address, \(RateLimit.syntax); over it, 429 with Retry-After."),
        OptionSpec("rate_limit", .string, help: "Posts for the whole channel, \(RateLimit.syntax). Absent: no channel-wide limit."),
        OptionSpec("cors_origins", .stringArray, help: "Origins allowed to post from browsers (\"https://www.example.com\"); others get 403. Absent: any origin, no CORS headers."),
        SecretValue.option("signature_secret", help: "HMAC-SHA256 key: every post must carry X-Signature: sha256=<hex of HMAC(body)>, or gets 401."),
        OptionSpec("thank_you_url", .string, help: "Where browsers (Accept: text/html) are sent after a post (303)."),
        OptionSpec("require_token", .boolean, default: "false", help: "Posts need Authorization: Bearer with a [[token]] of scope forms:write (401/403 otherwise)."),
    ]
}
