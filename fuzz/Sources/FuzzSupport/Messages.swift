@testable import STSProcCore

/// The README's promise for every error: one line on stderr, whatever the files held.
public func requireOneLine(_ error: STSProcError, _ context: @autoclosure () -> String,
                           file: StaticString = #fileID, line: UInt = #line) {
    let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"]
    let message = error.message
    require(!message.unicodeScalars.contains(where: breaks.contains),
            "\(context()): the error is more than one line: \(String(reflecting: message))", file: file, line: line)
}
