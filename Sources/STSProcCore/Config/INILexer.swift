/// One physical line of a shared file, classified as configparser classifies it.
struct INILine {
    enum Kind: Equatable {
        case blank
        /// `#` or `;` as the first non-blank character.
        case comment
        /// Indented deeper than the setting it continues (a multi-line value).
        case continuation
        /// `[name]`, indented or not, when it does not continue a value.
        case header(String)
        /// A setting line; the parser checks that it has a delimiter.
        case option
        /// Text before the first header.
        case outsideSection
    }

    var kind: Kind
    /// 1-based, for messages.
    var number: Int
    /// The line stripped of surrounding white space (`str.strip()`).
    var content: PythonText.Scalars
    /// The whole line in the file's scalars, its terminator included.
    var extent: Range<Int>
    /// Leading white space, as written.
    var indentation: Range<Int>
}

/// Splits a shared file into lines and says what each one is, with `RawConfigParser._read`'s
/// state (is a value open, how deep was its key indented). The INI parser and the
/// credentials-file editor both read this, so they cannot disagree about where a section
/// starts: an indented `[x]` is a header unless it continues a value, and `\r`, `\r\n` and
/// `\n` all end a line.
struct INILexer {
    let scalars: [Unicode.Scalar]
    let lines: [INILine]

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        let contents = PythonText.fileLines(scalars)
        var lines: [INILine] = []
        lines.reserveCapacity(contents.count)
        var valueIsOpen = false
        var inSection = false
        var indentLevel = 0
        for (offset, raw) in contents.enumerated() {
            let end = offset + 1 < contents.count ? contents[offset + 1].startIndex : scalars.count
            let stripped = PythonText.strip(raw)
            let firstVisible = raw.firstIndex { !PythonText.isSpace($0) } ?? raw.endIndex
            let indent = firstVisible - raw.startIndex
            let kind: INILine.Kind
            if stripped.first == "#" || stripped.first == ";" {
                kind = .comment
            } else if stripped.isEmpty {
                kind = .blank
            } else if valueIsOpen && indent > indentLevel {
                kind = .continuation
            } else {
                indentLevel = indent
                if let name = Self.sectionHeader(stripped) {
                    kind = .header(name)
                    inSection = true
                    valueIsOpen = false
                } else if inSection {
                    kind = .option
                    valueIsOpen = true
                } else {
                    kind = .outsideSection
                }
            }
            lines.append(INILine(kind: kind, number: offset + 1, content: stripped, extent: raw.startIndex..<end,
                                 indentation: raw.startIndex..<firstVisible))
        }
        self.scalars = scalars
        self.lines = lines
    }

    /// The text of a range of lines, as written.
    func text(of lines: ArraySlice<INILine>) -> String {
        guard let first = lines.first, let last = lines.last else { return "" }
        return PythonText.string(scalars[first.extent.lowerBound..<last.extent.upperBound])
    }

    /// `\[(?P<header>.+)\]` matched at the start of the stripped line: the header runs to the
    /// last `]` on the line, and anything after that is ignored.
    static func sectionHeader(_ text: PythonText.Scalars) -> String? {
        guard text.first == "[", let close = text.lastIndex(of: "]"),
              text.distance(from: text.startIndex, to: close) >= 2 else { return nil }
        return PythonText.string(text[(text.startIndex + 1)..<close])
    }
}
