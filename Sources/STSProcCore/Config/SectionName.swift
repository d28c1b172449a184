/// What a config-file section is, decided as botocore's `build_profile_map` decides it.
enum SectionName: Equatable {
    case profile(String)
    case ssoSession(String)
    case services(String)
    /// Any other section (`[preview]`, `[plugins]`, `[profile]`, `[profile a b]`, …): not a profile.
    case other

    /// botocore tests `startswith("profile")` (so `[profiles x]` and `[profilex y]` are
    /// profiles too), then takes the second of exactly two `shlex.split` words: `[profile
    /// "my prof"]` is `my prof`, while `[profile a b]` and an unclosed quote are ignored.
    /// `[default]` is the default profile; `[profile default]` is too.
    init(_ header: String) {
        func named(_ prefix: String) -> String? {
            guard header.unicodeScalars.starts(with: prefix.unicodeScalars),
                  let words = Self.words(header), words.count == 2 else { return nil }
            return words[1]
        }
        if header.unicodeScalars.starts(with: "profile".unicodeScalars) {
            self = named("profile").map(SectionName.profile) ?? .other
        } else if header.unicodeScalars.starts(with: "sso-session".unicodeScalars) {
            self = named("sso-session").map(SectionName.ssoSession) ?? .other
        } else if header.unicodeScalars.starts(with: "services".unicodeScalars) {
            self = named("services").map(SectionName.services) ?? .other
        } else if PythonText.same(header, "default") {
            self = .profile("default")
        } else {
            self = .other
        }
    }
}

extension SectionName {
    /// `shlex.split`, with a short way for the usual header without quotes or backslashes
    /// (a config of 100,000 profiles spent a sixth of every run in the full splitter).
    static func words(_ header: String) -> [String]? {
        // The separators are ASCII, which never occurs inside a UTF-8 sequence, so splitting
        // the bytes is splitting the scalars.
        let bytes = header.utf8
        if !bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\\") }) {
            return bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A })
                .map { String(Substring($0)) }
        }
        return ShellWords.split(header)
    }
}

/// Python's `shlex.split(text)` (POSIX mode, no comments): words split on space, tab, CR
/// and LF; single quotes literal; double quotes allow `\"` and `\\`; a backslash outside
/// quotes escapes the next character. nil where Python raises `ValueError`.
enum ShellWords {
    /// The program a command line runs, for messages. Never the whole line: its arguments
    /// may carry a password, and an unclosed quote must not make them show.
    static func programName(_ commandLine: String) -> String {
        split(commandLine)?.first ?? "(a command line that cannot be split into words)"
    }

    static func split(_ text: String) -> [String]? {
        enum State { case between, word, quoted(Unicode.Scalar), escaped(after: EscapeOrigin) }
        enum EscapeOrigin { case word, doubleQuote }
        // A switch, not a Set: building a set on every call was a tenth of a hit's time
        // with a 100,000-section config.
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
        }
        var words: [String] = []
        var token = String.UnicodeScalarView()
        var wasQuoted = false
        var state = State.between

        func finish() {
            if !token.isEmpty || wasQuoted { words.append(String(token)) }
            token = String.UnicodeScalarView()
            wasQuoted = false
        }

        for scalar in text.unicodeScalars {
            switch state {
            case .between, .word:
                if isSpace(scalar) {
                    if case .word = state { finish() }
                    state = .between
                } else if scalar == "\\" {
                    state = .escaped(after: .word)
                } else if scalar == "\"" || scalar == "'" {
                    state = .quoted(scalar)
                } else {
                    token.append(scalar)
                    state = .word
                }
            case .quoted(let quote):
                wasQuoted = true
                if scalar == quote {
                    state = .word
                } else if scalar == "\\" && quote == "\"" {
                    state = .escaped(after: .doubleQuote)
                } else {
                    token.append(scalar)
                }
            case .escaped(let origin):
                // Inside double quotes only `"` and `\` are escapable; otherwise the backslash stays.
                if origin == .doubleQuote && scalar != "\\" && scalar != "\"" { token.append("\\") }
                token.append(scalar)
                state = origin == .doubleQuote ? .quoted("\"") : .word
            }
        }
        switch state {
        case .quoted, .escaped: return nil
        case .word: finish()
        case .between: break
        }
        return words
    }
}
