import Glibc
import Testing
@testable import STSProcCore

/// The file replacement behind `write`, `keys import`, `sso populate` and the SSO token
/// cache; what a SIGKILL at any moment leaves is tested end to end (Tests/e2e/test_kill_anytime.py).
@Suite struct AtomicFileTests {
    private func makeFolder() throws -> String {
        var template = Array("/tmp/sts-proc-atomic-XXXXXX".utf8CString)
        return String(cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
    }

    private func names(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { found.append(name) }
        }
        return found.sorted()
    }

    private func touch(_ path: String) {
        close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
    }

    /// The ID of a process that has ended: a child started and reaped.
    private func endedProcessID() throws -> pid_t {
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&child, "/bin/true", nil, nil, argv, nil) == 0)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        return child
    }

    @Test func replacesTheFileWithMode0600AndLeavesNothingElse() throws {
        let folder = try makeFolder()
        let path = folder + "/credentials"
        try AtomicFile.replace(path, with: "[a]\nk = 1\n")
        try AtomicFile.replace(path, with: "[a]\nk = 2\n")
        #expect(names(in: folder) == ["credentials"])
        #expect(try BoundedFileReader.read(path, limit: 1 << 10) == Array("[a]\nk = 2\n".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func temporaryFilesOfWritersThatEndedAreRemovedOthersKept() throws {
        let folder = try makeFolder()
        let path = folder + "/credentials"
        let ended = try endedProcessID()
        let leftovers = ["credentials.sts-proc-\(ended)", "credentials.sts-proc-\(getppid())", "config.sts-proc-\(ended)",
                         "credentials.sts-proc-AbC123"]
        for name in leftovers { touch(folder + "/" + name) }
        try AtomicFile.replace(path, with: "x")
        // Gone: the ended writer's file of this name. Kept: a live writer's, another file's,
        // and a name that carries no process ID.
        #expect(names(in: folder) == ["config.sts-proc-\(ended)", "credentials", "credentials.sts-proc-\(getppid())",
                                      "credentials.sts-proc-AbC123"].sorted())
    }
}
