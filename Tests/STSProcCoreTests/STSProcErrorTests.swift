import Testing
@testable import STSProcCore

@Suite struct STSProcErrorTests {
    @Test func rendersOneLineWithProfileWhatWhyAndRemedy() {
        let error = STSProcError(.rejected, profile: "prod", failure: "AssumeRole denied (AccessDenied)",
                                 reason: "User: x is not\nauthorized", remedy: "Check the trust policy")
        #expect(error.message == "sts-proc: profile prod: AssumeRole denied (AccessDenied): User: x is not authorized. Check the trust policy.")
        #expect(error.exitCode == 1)
    }

    @Test func inProfileKeepsAMorePreciseProfile() {
        let error = STSProcError(.configuration, profile: "inner", failure: "f", reason: "r")
        #expect(error.inProfile("outer").profile == "inner")
        #expect(STSProcError(.configuration, failure: "f", reason: "r").inProfile("outer").profile == "outer")
    }
}
