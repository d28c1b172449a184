/// Replaces one section of a shared credentials file and leaves every other byte as it
/// was: other sections, comments, blank lines, line endings. Pure: text in, text out.
///
/// A section runs from its header to the next header, less the comments and blank lines
/// just before that header, which belong to what follows. Headers are the unindented
/// `[name]` lines (an indented one would continue a value, as in configparser).
enum CredentialsFileEditor {
    static func replacingSection(_ name: String, in text: String, with section: [String]) -> String {
        let lines = splitKeepingTerminators(text)
        var headers: [(index: Int, name: String)] = []
        for (index, line) in lines.enumerated() {
            if let header = headerName(line) { headers.append((index, header)) }
        }
        let replacement = section.map { $0 + "\n" }
        var output: [String] = []
        var cursor = 0
        var replaced = false
        for (position, header) in headers.enumerated() where header.name == name {
            let nextHeader = position + 1 < headers.count ? headers[position + 1].index : lines.count
            var end = nextHeader
            while end > header.index + 1 && isCommentOrBlank(lines[end - 1]) { end -= 1 }
            output += lines[cursor..<header.index]
            if !replaced { output += replacement }
            replaced = true
            cursor = end
        }
        output += lines[cursor...]
        if !replaced {
            if let last = output.last, !last.hasSuffix("\n") { output[output.count - 1] = last + "\n" }
            if let last = output.last, !isCommentOrBlank(last) || !last.trimmingWhitespace().isEmpty { output.append("\n") }
            output += replacement
        }
        return output.joined()
    }

    /// The key/value pairs of the first section called `name`, for the safety checks.
    static func values(ofSection name: String, in text: String) -> [String: String] {
        var inSection = false
        var values: [String: String] = [:]
        for line in splitKeepingTerminators(text) {
            if let header = headerName(line) {
                if inSection { break }
                inSection = header == name
            } else if inSection, let equals = line.firstIndex(where: { $0 == "=" || $0 == ":" }),
                      !isCommentOrBlank(line), line.first.map({ !$0.isWhitespace }) ?? false {
                values[line[..<equals].trimmingWhitespace().lowercased()] = line[line.index(after: equals)...].trimmingWhitespace()
            }
        }
        return values
    }

    private static func headerName(_ line: String) -> String? {
        guard line.first == "[" else { return nil }
        let content = line.trimmingWhitespace()
        guard let close = content.lastIndex(of: "]"), close > content.index(after: content.startIndex) else { return nil }
        return String(content[content.index(after: content.startIndex)..<close])
    }

    private static func isCommentOrBlank(_ line: String) -> Bool {
        let content = line.trimmingWhitespace()
        return content.isEmpty || content.hasPrefix("#") || content.hasPrefix(";")
    }

    private static func splitKeepingTerminators(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
