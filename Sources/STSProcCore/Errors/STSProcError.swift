/// The one error type sts-proc reports. It renders as the single stderr line the AWS CLI
/// shows its user, so every field is written for a person: what failed, why, what to do.
///
/// Secrets must never be put into any field: callers pass ARNs, codes, file names and
/// STS messages, never keys, tokens or assertions.
public struct STSProcError: Error, Sendable, Equatable {
    /// Decides the exit status; see the README's exit-code table.
    public enum Kind: Sendable, Equatable {
        /// A profile, setting or file is wrong; the user must edit something.
        case configuration
        /// STS (or the IdP behind it) answered and refused the request.
        case rejected
        /// STS could not be reached or gave an answer that is not an STS response.
        case unavailable
    }

    public var kind: Kind
    /// The profile being resolved; filled in by the command if a lower layer left it out.
    public var profile: String?
    /// For commands about no profile (`saml roles`): the command, named instead.
    public var command: String?
    /// What failed, e.g. `AssumeRole denied (AccessDenied)`.
    public var failure: String
    /// Why, as precisely as known: the STS message, the file and line, the curl error.
    public var reason: String
    /// What the user can do about it; may be empty when the reason says it all.
    public var remedy: String

    public init(_ kind: Kind, profile: String? = nil, failure: String, reason: String, remedy: String = "") {
        self.kind = kind
        self.profile = profile
        self.failure = failure
        self.reason = reason
        self.remedy = remedy
    }

    public var exitCode: Int32 {
        switch kind {
        case .rejected: return 1
        case .configuration: return 2
        case .unavailable: return 3
        }
    }

    /// The error with `profile` set, unless a lower layer already named a more precise one.
    public func inProfile(_ name: String) -> STSProcError {
        var copy = self
        if copy.profile == nil { copy.profile = name }
        return copy
    }

    /// The error as reported by a command that is about no profile.
    public func inCommand(_ name: String) -> STSProcError {
        var copy = self
        copy.command = name
        return copy
    }

    /// `sts-proc: profile prod: AssumeRole denied (AccessDenied): User … is not authorized. Check …`
    /// Always exactly one line: the AWS CLI prints stderr verbatim and users read it in a terminal.
    public var message: String {
        var text = "sts-proc: "
        if let profile {
            text += "profile \(profile): "
        } else if let command {
            text += "\(command): "
        }
        text += failure
        if !reason.isEmpty { text += ": " + Self.sentence(reason) }
        if !remedy.isEmpty { text += " " + Self.sentence(remedy) }
        return Self.singleLine(text)
    }

    private static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        guard let last = trimmed.last else { return trimmed }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }

    private static func singleLine(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var lastWasSpace = false
        for character in text {
            let isBreak = character.isNewline || character == "\t"
            if isBreak || character == " " {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(character)
                lastWasSpace = false
            }
        }
        return out
    }
}

extension STSProcError: CustomStringConvertible {
    public var description: String { message }
}

extension StringProtocol {
    /// Leading and trailing spaces, tabs and line breaks removed (no Foundation needed).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
