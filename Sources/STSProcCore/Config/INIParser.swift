/// One value: plain text, or the indented sub-settings block botocore parses with `_parse_nested`.
public enum INIValue: Sendable, Equatable, Codable {
    case text(String)
    case nested([String: String])
}

public struct INISection: Sendable, Equatable, Codable {
    /// The text between the brackets, exactly as written (not trimmed, case kept).
    public var name: String
    /// Keys lower-cased; `[DEFAULT]` values already filled in; nested blocks already parsed.
    public var values: [String: INIValue]

    public init(name: String, values: [String: INIValue]) {
        self.name = name
        self.values = values
    }
}

/// The shared-file INI dialect, exactly as botocore reads it: Python's
/// `configparser.RawConfigParser()` with its defaults, then `raw_config_parse`.
///
/// - Delimiters `=` and `:`, the first one on the line wins; key and value stripped; key lower-cased.
/// - `#` and `;` start a comment only as the first non-blank character of a line.
/// - A line indented deeper than its key line continues the value (joined with `\n`);
///   blank lines inside a value are kept, trailing ones dropped.
/// - `[DEFAULT]` is not a section: its values are inherited by every section of the file.
/// - Strict: a repeated section or a repeated key in one section, a line with no delimiter,
///   or a setting before the first header fails the whole file, as it fails the AWS CLI.
/// - A value whose first line is empty (`s3 =` then indented lines) is a block of
///   `key = value` sub-settings (keys kept as written, only `=` as delimiter).
public enum INIParser {
    /// Pure: text in, sections (file order) out. `path` only for error messages.
    /// The result is what botocore's `raw_config_parse` returns for the same text.
    public static func parse(_ text: String, path: String) throws(STSProcError) -> [INISection] {
        try parseFile(text, path: path).sections
    }

    /// The sections and, apart, the `[DEFAULT]` values they inherit.
    struct File {
        var sections: [INISection]
        var defaults: [String: INIValue]
    }

    static func parseFile(_ text: String, path: String) throws(STSProcError) -> File {
        var reader = RawReader(path: path)
        let lexer = INILexer(text)
        for line in lexer.lines {
            // C calls (libcurl, file names) would cut a value at a NUL: `…/ok\0http://evil`
            // would reach `…/ok`. Python keeps it; nothing legitimate holds one.
            if line.content.contains("\u{0}") {
                throw STSProcError(.configuration, failure: "cannot parse \(path)",
                                   reason: "line \(line.number) holds a NUL character",
                                   remedy: "Remove it from \(path); a value cannot contain one")
            }
            try reader.read(line)
        }
        return try reader.finish()
    }
}

/// One parsed key: its value lines (joined later) and the file line of each, for errors.
private struct RawOption {
    var key: String
    var lines: [(number: Int, text: PythonText.Scalars)]
}

private struct RawSection {
    var name: String
    var options: [RawOption] = []
    var index: [ExactKey: Int] = [:]

    mutating func add(_ option: RawOption) {
        index[ExactKey(text: option.key)] = options.count
        options.append(option)
    }
}

/// A transcription of `RawConfigParser._read`, one line at a time.
private struct RawReader {
    enum Target { case defaults, section(Int) }
    let path: String
    var sections: [RawSection] = []
    var sectionIndex: [ExactKey: Int] = [:]
    var defaults = RawSection(name: "DEFAULT")
    /// Where options go: nil before the first header.
    var current: Target?
    var currentName = ""
    /// Index of the option that continuation lines extend (Python's `optname`).
    var option: Int?

    init(path: String) { self.path = path }

    mutating func read(_ line: INILine) throws(STSProcError) {
        switch line.kind {
        case .comment:
            return
        case .blank:
            // A blank line may belong to a multi-line value; a comment line never does.
            if let option { append([], number: line.number, to: option) }
        case .continuation:
            if let option { append(line.content, number: line.number, to: option) }
        case .header(let name):
            try enterSection(name, number: line.number)
        case .outsideSection:
            let bom = line.number == 1 && line.content.first == "\u{FEFF}"
            throw failure(
                bom ? "line 1: the file starts with a byte-order mark (U+FEFF)"
                    : "line \(line.number) is outside any [section]: the file must start with a section header",
                remedy: bom ? "Save \(path) as UTF-8 without a byte-order mark; the AWS CLI cannot read it either."
                            : nil)
        case .option:
            try addOption(line.content, number: line.number)
        }
    }

    private mutating func enterSection(_ name: String, number: Int) throws(STSProcError) {
        let key = ExactKey(text: name)
        if sectionIndex[key] != nil {
            throw failure("line \(number): section [\(name)] appears twice")
        } else if PythonText.same(name, "DEFAULT") {
            current = .defaults
        } else {
            sectionIndex[key] = sections.count
            current = .section(sections.count)
            sections.append(RawSection(name: name))
        }
        currentName = name
        option = nil
    }

    private mutating func addOption(_ text: PythonText.Scalars, number: Int) throws(STSProcError) {
        guard let delimiter = text.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
            throw failure("line \(number) in section [\(currentName)] has no `=` or `:`")
        }
        let rawKey = PythonText.rstrip(text[..<delimiter])
        guard !rawKey.isEmpty else {
            throw failure("line \(number) in section [\(currentName)] has a value but no setting name")
        }
        let key = PythonText.lower(rawKey)
        let seen: Bool
        switch current {
        case .defaults: seen = defaults.index[ExactKey(text: key)] != nil
        case .section(let index): seen = sections[index].index[ExactKey(text: key)] != nil
        case nil: preconditionFailure("options are only read inside a section")
        }
        guard !seen else {
            throw failure("line \(number): \(INIMessage.describe(key: key)) appears twice in section [\(currentName)]")
        }
        let value = PythonText.strip(text[(delimiter + 1)...])
        let option = RawOption(key: key, lines: [(number, value)])
        switch current {
        case .defaults:
            defaults.add(option)
            self.option = defaults.options.count - 1
        case .section(let index):
            sections[index].add(option)
            self.option = sections[index].options.count - 1
        case nil:
            preconditionFailure("options are only read inside a section")
        }
    }

    private mutating func append(_ text: PythonText.Scalars, number: Int, to option: Int) {
        switch current {
        case .defaults: defaults.options[option].lines.append((number, text))
        case .section(let index): sections[index].options[option].lines.append((number, text))
        case nil: break
        }
    }

    /// `_join_multiline_values`, the `[DEFAULT]` fallback of `options()`/`get()`, and
    /// botocore's `_parse_nested` for values that start with a line break.
    func finish() throws(STSProcError) -> INIParser.File {
        var result: [INISection] = []
        result.reserveCapacity(sections.count)
        for section in sections {
            var values: [String: INIValue] = [:]
            for option in defaults.options where section.index[ExactKey(text: option.key)] == nil {
                values[option.key] = try value(of: option, in: section.name)
            }
            for option in section.options {
                values[option.key] = try value(of: option, in: section.name)
            }
            result.append(INISection(name: section.name, values: values))
        }
        var inherited: [String: INIValue] = [:]
        for option in defaults.options { inherited[option.key] = try value(of: option, in: "DEFAULT") }
        return INIParser.File(sections: result, defaults: inherited)
    }

    private func value(of option: RawOption, in section: String) throws(STSProcError) -> INIValue {
        var joined: [Unicode.Scalar] = []
        for (offset, line) in option.lines.enumerated() {
            if offset > 0 { joined.append("\n") }
            joined.append(contentsOf: line.text)
        }
        let text = PythonText.rstrip(joined[...])
        guard text.first == "\n" else { return .text(PythonText.string(text)) }
        var nested: [String: String] = [:]
        for line in option.lines.dropFirst() {
            for piece in PythonText.splitLines(line.text) {
                let entry = PythonText.strip(piece)
                if entry.isEmpty { continue }
                guard let equals = entry.firstIndex(of: "=") else {
                    throw failure("line \(line.number): the indented line under \(INIMessage.describe(key: option.key)) "
                        + "in section [\(section)] has no `=` (indented sub-settings must be `name = value`)")
                }
                let name = PythonText.strip(entry[..<equals])
                nested[PythonText.string(name)] = PythonText.string(PythonText.strip(entry[(equals + 1)...]))
            }
        }
        return .nested(nested)
    }

    private func failure(_ reason: String, remedy: String? = nil) -> STSProcError {
        STSProcError(.configuration, failure: "cannot parse \(path)", reason: reason,
                     remedy: remedy ?? "Fix that line of \(path); the AWS CLI rejects the file too.")
    }
}

enum INIMessage {
    /// A key name for an error message, or a neutral phrase when the "key" might be a pasted
    /// secret (a line like `<token>=`); setting names are short, lower-case words with `_`.
    static func describe(key: String) -> String {
        let allowed = key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
        let wordy = key.contains("_") || key.contains("-") || key.unicodeScalars.count <= 24
        if allowed, wordy, (1...64).contains(key.unicodeScalars.count) { return "`\(key)`" }
        return "a setting"
    }
}
