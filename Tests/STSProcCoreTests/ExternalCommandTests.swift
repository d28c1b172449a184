import Testing
@testable import STSProcCore

@Suite struct ExternalCommandTests {
    @Test func returnsStdoutOfAShellFreeCommand() throws {
        let output = try ExternalCommand.run("printf '%s' 'a b' \"c\"", timeLimit: 5)
        #expect(String(decoding: output, as: UTF8.self) == "a bc")
        // No shell: a ; is just an argument.
        #expect(String(decoding: try ExternalCommand.run("echo x ; y", timeLimit: 5), as: UTF8.self) == "x ; y\n")
    }

    @Test func failuresCarryTheLastStderrLine() {
        do {
            _ = try ExternalCommand.run("sh -c 'echo noise >&2; echo token expired >&2; exit 3'", timeLimit: 5)
            Issue.record("failure not reported")
        } catch {
            #expect(error.reason == "sh exited with status 3: token expired")
        }
    }

    @Test func aMissingProgramIsReported() {
        #expect(throws: ExternalCommand.Failure.self) { try ExternalCommand.run("/nonexistent/tool", timeLimit: 5) }
        #expect(throws: ExternalCommand.Failure.self) { try ExternalCommand.run("unclosed 'quote", timeLimit: 5) }
    }

    @Test func aHungCommandIsStoppedAtTheTimeLimit() {
        let started = MonotonicClock.now()
        do {
            _ = try ExternalCommand.run("sh -c 'sleep 30 & sleep 30'", timeLimit: 0.3)
            Issue.record("timeout not reported")
        } catch {
            #expect(error.reason.contains("did not finish"))
        }
        // Neither the command nor its background child (holding the pipe) is waited for.
        #expect(MonotonicClock.now() - started < 3)
    }

    @Test func stdinIsEmptyAndOutputIsBounded() throws {
        #expect(try ExternalCommand.run("cat", timeLimit: 5).isEmpty)
        #expect(throws: ExternalCommand.Failure.self) { try ExternalCommand.run("head -c 5000 /dev/zero", timeLimit: 5, outputLimit: 1000) }
    }
}
