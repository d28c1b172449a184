import Glibc

/// Python's string rules, on Unicode scalars (Python indexes code points, and Swift's
/// `Character` would glue `\r\n` or a combining accent onto its neighbour).
///
/// botocore reads the shared files with `configparser`, whose every decision rests on
/// `str.strip()`, `str.splitlines()`, `str.lower()` and `open()`'s universal newlines;
/// reproducing those exactly is what keeps sts-proc and the AWS CLI in agreement.
enum PythonText {
    typealias Scalars = ArraySlice<Unicode.Scalar>

    /// `str.isspace()`, which is also what `\s` matches in a `str` regex.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The line boundaries of `str.splitlines()` (`\r\n` counts as one).
    static func isLineBoundary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `str.strip()` with no argument.
    static func strip(_ text: Scalars) -> Scalars {
        guard let start = text.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let end = text.lastIndex(where: { !isSpace($0) })!
        return text[start...end]
    }

    /// `str.rstrip()` with no argument.
    static func rstrip(_ text: Scalars) -> Scalars {
        guard let end = text.lastIndex(where: { !isSpace($0) }) else { return text[text.startIndex..<text.startIndex] }
        return text[...end]
    }

    /// The lines of a file opened in text mode (`newline=None`): `\r\n`, `\r` and `\n`
    /// all end a line, and nothing else does. Terminators are dropped; a line's terminator
    /// runs from its end to the next line's start.
    static func fileLines(_ scalars: [Unicode.Scalar]) -> [Scalars] {
        var lines: [Scalars] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            if value == 0x0A || value == 0x0D {
                lines.append(scalars[start..<index])
                if value == 0x0D, index + 1 < scalars.count, scalars[index + 1].value == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < scalars.count { lines.append(scalars[start...]) }
        return lines
    }

    /// `str.splitlines()`; empty pieces may be returned (callers skip them as botocore does).
    static func splitLines(_ text: Scalars) -> [Scalars] {
        var pieces: [Scalars] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if isLineBoundary(text[index]) {
                pieces.append(text[start..<index])
                if text[index].value == 0x0D, index + 1 < text.endIndex, text[index + 1].value == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < text.endIndex { pieces.append(text[start...]) }
        return pieces
    }

    /// `str.lower()`: each code point's full lower-case mapping, with Python's one
    /// context rule (a capital sigma ending a word becomes `ς`).
    static func lower(_ text: Scalars) -> String {
        // Setting names are nearly always ASCII: lower-cased byte by byte.
        if text.allSatisfy(\.isASCII) {
            return string(text.lazy.map { (0x41...0x5A).contains($0.value) ? Unicode.Scalar(UInt8($0.value) + 0x20) : $0 })
        }
        var out = String.UnicodeScalarView()
        for index in text.indices {
            let scalar = text[index]
            if scalar.isASCII {
                out.append((0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar)
            } else if scalar == "\u{03A3}" {
                out.append(isFinalSigma(text, at: index) ? "\u{03C2}" : "\u{03C3}")
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// Final_Sigma: a cased letter before (case-ignorables skipped) and none after.
    private static func isFinalSigma(_ text: Scalars, at index: Int) -> Bool {
        let before = text[..<index].last { !$0.properties.isCaseIgnorable }
        let after = text[(index + 1)...].first { !$0.properties.isCaseIgnorable }
        return before?.properties.isCased == true && after?.properties.isCased != true
    }

    static func string(_ scalars: some Collection<Unicode.Scalar>) -> String {
        // Encoded straight into the string's storage: appending to a scalar view one scalar
        // at a time was a quarter of the time a 100,000-section config took.
        let count = scalars.reduce(0) { $0 + UTF8.width($1) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var written = 0
            for scalar in scalars {
                UTF8.encode(scalar) { buffer[written] = $0; written += 1 }
            }
            return written
        }
    }

    /// Equality by code points, as Python compares strings (Swift's `==` would also
    /// equate canonically equivalent spellings such as `é` and `e` + U+0301).
    static func same(_ text: some StringProtocol, _ other: String) -> Bool {
        text.unicodeScalars.elementsEqual(other.unicodeScalars)
    }
}

/// A dictionary key that compares by code points, as Python's `dict` does.
struct ExactKey: Hashable {
    let text: String

    // Equal scalars are equal UTF-8 bytes; comparing and hashing the bytes in one go was
    // a fifth of the time a 100,000-section config took to parse (scalar by scalar).
    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
        var left = lhs.text, right = rhs.text
        return left.withUTF8 { a in right.withUTF8 { b in a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) } }
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
