import ComplaintModel

/// Recognizes mail no person wrote: delivery reports (bounces), auto-replies
/// (out-of-office, "we received your message"), and mailing-list traffic.
///
/// Such mail is stored and flagged, never dropped: answering an auto-reply
/// is how helpdesks start mail loops, but losing a real complaint because a
/// list header was present is worse.
public enum AutomatedMailDetector {
    public static func kind(of message: MIMEPart, from sender: String?) -> AutomatedKind? {
        let h = message.headers
        // Bounces: a delivery status report, or sent by the mail system.
        if message.contentType == "multipart/report",
           (message.contentTypeParameters["report-type"] ?? "").lowercased().contains("delivery-status") {
            return .bounce
        }
        if let local = sender?.split(separator: "@").first?.lowercased(),
           ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].contains(local) {
            return .bounce
        }
        if let returnPath = h.ascii("Return-Path"), returnPath.asciiTrimmed == "<>" {
            return .bounce
        }
        // Auto-replies (RFC 3834 and the vendors' own headers).
        if let auto = h.ascii("Auto-Submitted")?.lowercased(), !auto.hasPrefix("no") { return .autoReply }
        if h["X-Autoreply"] != nil || h["X-Autorespond"] != nil || h["X-Autoresponder"] != nil { return .autoReply }
        if let suppress = h.ascii("X-Auto-Response-Suppress")?.lowercased(),
           suppress.contains("all") || suppress.contains("oof") || suppress.contains("autoreply") {
            return .autoReply
        }
        let precedence = h.ascii("Precedence")?.lowercased().asciiTrimmed
        if precedence == "auto_reply" || precedence == "auto-reply" { return .autoReply }
        // Lists and bulk mail.
        if h["List-Id"] != nil || h["List-Unsubscribe"] != nil || precedence == "bulk" || precedence == "list"
            || precedence == "junk" {
            return .list
        }
        return nil
    }
}
