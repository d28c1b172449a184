/// What every fuzz target shares: reading libFuzzer's input, and failing loudly when a
/// property does not hold (a trap is a finding: libFuzzer saves the input as `crash-…`).

/// The input's bytes.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// The input as text, or nil when it is not UTF-8: the shared files, keyring items and
/// token files are read as UTF-8 and refused otherwise, so other bytes never reach the code.
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String? {
    String(validating: fuzzBytes(data, size), as: UTF8.self)
}

/// A property of the code under test; when it fails, says which and traps.
public func require(_ condition: Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("property violated: " + message(), file: file, line: line) }
}
