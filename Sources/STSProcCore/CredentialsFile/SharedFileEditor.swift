/// Replaces or removes one section of a shared file and leaves every other byte as it
/// was: other sections, comments, blank lines, line endings. Pure: text in, text out.
///
/// Lines are found and classified by the INI parser's own lexer (`INILexer`), so the
/// editor and every reader agree on where a section starts, whatever the indentation and
/// line endings. A section runs from its header to the next header, less the comments and
/// blank lines just before that header, which belong to what follows. The result is parsed
/// back before it is returned: unless it holds exactly the new section and every other
/// section unchanged, nothing is written.
enum SharedFileEditor {
    /// The new content of one section.
    struct Section: Equatable {
        var name: String
        /// Written first, as `# …`.
        var comment: String
        /// Keys in lower case, as the parser reports them.
        var values: [(key: String, value: String)]

        static func == (lhs: Section, rhs: Section) -> Bool {
            lhs.name == rhs.name && lhs.comment == rhs.comment
                && lhs.values.elementsEqual(rhs.values) { $0.key == $1.key && $0.value == $1.value }
        }
    }

    /// Why `name` cannot be written as a section header, or nil. `[DEFAULT]` would give its
    /// keys to every profile; line breaks or `]` would make another section or header.
    static func problem(sectionName name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if PythonText.same(name, "DEFAULT") { return "[DEFAULT] gives its keys to every profile of the file" }
        let scalars = name.unicodeScalars
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || PythonText.isLineBoundary($0) }) {
            return "it holds a line break or control character"
        }
        if scalars.contains("[") || scalars.contains("]") { return "it holds a bracket" }
        if PythonText.isSpace(scalars.first!) || PythonText.isSpace(scalars.last!) {
            return "it starts or ends with white space"
        }
        return nil
    }

    static func replacingSection(_ section: Section, in text: String, path: String) throws(STSProcError) -> String {
        if let problem = problem(sectionName: section.name) {
            throw failure(path, "'\(section.name)' cannot be a section name: \(problem)")
        }
        for (key, value) in section.values {
            let scalars = (key + value + section.comment).unicodeScalars
            if scalars.contains(where: { $0.value < 0x20 || PythonText.isLineBoundary($0) }) {
                throw failure(path, "the value of \(key) holds a line break")
            }
        }
        let before = try INIParser.parse(text, path: path)
        let lexer = INILexer(text)
        let edited: String
        if let range = sectionRange(section.name, in: lexer) {
            // The header keeps its indentation (it was a header there); the settings take the
            // next header's, so that header is not read as a continuation of the last value.
            let lines = lexer.lines
            let headerIndent = PythonText.string(lexer.scalars[lines[range.header].indentation])
            let keyIndent = range.next.map { PythonText.string(lexer.scalars[lines[$0].indentation]) } ?? ""
            edited = lexer.text(of: lines[..<range.header]) + render(section, headerIndent: headerIndent, keyIndent: keyIndent)
                + lexer.text(of: lines[range.end...])
        } else {
            var prefix = text
            if let last = prefix.unicodeScalars.last, last != "\n", last != "\r" { prefix += "\n" }
            if let last = lexer.lines.last, last.kind != .blank { prefix += "\n" }
            edited = prefix + render(section, headerIndent: "", keyIndent: "")
        }
        try verify(edited, against: before, name: section.name, expected: section.values, path: path)
        return edited
    }

    /// The text without section `name` (unchanged when there is none).
    static func removingSection(_ name: String, in text: String, path: String) throws(STSProcError) -> String {
        let before = try INIParser.parse(text, path: path)
        let lexer = INILexer(text)
        guard let range = sectionRange(name, in: lexer) else { return text }
        // The blank lines that set the section apart go with it when what follows brings its
        // own (or nothing follows): otherwise each removal leaves two separators where there
        // was one, and a file that `sso populate` rewrites again and again grows without end.
        var start = range.header
        let rest = lexer.lines[range.end...]
        if rest.first.map({ $0.kind == .blank }) ?? true {
            while start > 0 && lexer.lines[start - 1].kind == .blank { start -= 1 }
        }
        let edited = lexer.text(of: lexer.lines[..<start]) + lexer.text(of: rest)
        try verify(edited, against: before, name: name, expected: nil, path: path)
        return edited
    }

    /// The comment lines right under section `name`'s header (without `#`/`;`, trimmed).
    static func leadingComments(ofSection name: String, in text: String) -> [String] {
        let lexer = INILexer(text)
        guard let range = sectionRange(name, in: lexer) else { return [] }
        return lexer.lines[(range.header + 1)...].prefix { $0.kind == .comment }
            .map { PythonText.string($0.content.dropFirst()).trimmingWhitespace() }
    }

    /// Where section `name` is: its header line, the line after its last own line (the
    /// comments and blank lines before the next header belong to what follows), and the
    /// next header line.
    private static func sectionRange(_ name: String, in lexer: INILexer) -> (header: Int, end: Int, next: Int?)? {
        let lines = lexer.lines
        guard let header = lines.firstIndex(where: { isNamed($0, name) }) else { return nil }
        let next = lines[(header + 1)...].firstIndex { if case .header = $0.kind { true } else { false } }
        var end = next ?? lines.count
        while end > header + 1 && (lines[end - 1].kind == .blank || lines[end - 1].kind == .comment) { end -= 1 }
        return (header, end, next)
    }

    /// The key/value pairs of the section called `name`, for the safety checks; text
    /// values only.
    static func values(ofSection name: String, in text: String, path: String) throws(STSProcError) -> [String: String] {
        let section = try INIParser.parse(text, path: path).first { PythonText.same($0.name, name) }
        var values: [String: String] = [:]
        for case let (key, .text(value)) in section?.values ?? [:] { values[key] = value }
        return values
    }

    private static func isNamed(_ line: INILine, _ name: String) -> Bool {
        if case .header(let header) = line.kind { return PythonText.same(header, name) }
        return false
    }

    private static func render(_ section: Section, headerIndent: String, keyIndent: String) -> String {
        var text = headerIndent + "[\(section.name)]\n" + keyIndent + "# \(section.comment)\n"
        for (key, value) in section.values { text += keyIndent + "\(key) = \(value)\n" }
        return text
    }

    /// The edited file must read back as the old one with exactly section `name` replaced by
    /// `expected` (or, for nil, removed).
    private static func verify(_ edited: String, against before: [INISection], name: String,
                               expected: [(key: String, value: String)]?, path: String) throws(STSProcError) {
        let after: INIParser.File
        do {
            after = try INIParser.parseFile(edited, path: path)
        } catch {
            throw failure(path, "the edited file would not parse")
        }
        let others = { (sections: [INISection]) in sections.filter { !PythonText.same($0.name, name) } }
        let target = after.sections.filter { PythonText.same($0.name, name) }
        let targetIsRight: Bool
        if let expected {
            // `[DEFAULT]` values reach every section, the new one too.
            let values = after.defaults.merging(expected.map { ($0.key, INIValue.text($0.value)) }) { $1 }
            targetIsRight = target.count == 1 && target[0].values == values
        } else {
            targetIsRight = target.isEmpty
        }
        guard targetIsRight, others(after.sections) == others(before) else {
            throw failure(path, "the edited file would not read back as written")
        }
    }

    private static func failure(_ path: String, _ reason: String) -> STSProcError {
        STSProcError(.configuration, failure: "cannot edit \(path)", reason: reason,
                     remedy: "Nothing was written; choose a plain --to name, or fix the file by hand")
    }
}
