import Glibc
internal import CLibFuzzer

/// Hands the process to libFuzzer with the target's `LLVMFuzzerTestOneInput` (its options
/// and inputs are the command line's). SwiftPM links an executable's own `main`, so
/// libFuzzer's is never used; this one takes its place.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    exit(status)
}
