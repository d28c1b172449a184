import Testing
@testable import STSProcCore

@Suite struct UTCTimeTests {
    @Test func formatsWholeSecondsInUTC() {
        #expect(UTCTime(secondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(UTCTime(secondsSinceEpoch: 1_795_352_707).iso8601 == "2026-11-22T13:05:07Z")
        #expect(UTCTime(secondsSinceEpoch: 951_782_400).iso8601 == "2000-02-29T00:00:00Z")
    }

    @Test func parsesMotoMicrosecondsAndDropsThem() {
        #expect(UTCTime(iso8601: "2026-11-22T02:58:18.224389Z")?.iso8601 == "2026-11-22T02:58:18Z")
    }

    @Test func parsesOffsetsIntoUTC() {
        #expect(UTCTime(iso8601: "2026-11-22T14:05:07+01:00")?.iso8601 == "2026-11-22T13:05:07Z")
        #expect(UTCTime(iso8601: "2026-11-22T12:35:07-00:30")?.iso8601 == "2026-11-22T13:05:07Z")
    }

    @Test func roundTripsAcrossLeapYearsAndCenturies() {
        for seconds: Int64 in [0, 86_399, 951_868_799, 4_102_444_800, 1_709_164_800, -1] {
            let time = UTCTime(secondsSinceEpoch: seconds)
            #expect(UTCTime(iso8601: time.iso8601) == time)
        }
    }

    /// The fuzzer's finding: an offset carried 0000-01-01 into year -1 (or 9999-12-31 into
    /// 10000), which `iso8601` printed as `00-1-12-31T23:10:00Z`; an SSO token file holding
    /// such a time was read, then written back as a file that no longer reads.
    @Test(arguments: ["0000-01-01T00:00:00.123+00:50", "0000-01-01T00:09:59+00:10", "9999-12-31T23:59:59-00:01",
                      "9999-12-31T12:00:00.5-12:00"])
    func refusesInstantsItCannotPrint(_ text: String) {
        #expect(UTCTime(iso8601: text) == nil)
    }

    @Test(arguments: ["0000-01-01T00:00:00Z", "0000-01-01T00:10:00+00:10", "9999-12-31T23:59:59Z",
                      "9999-12-31T23:00:00-00:59", "0000-01-01T00:00:00-01:00"])
    func theFirstAndLastPrintableInstantsRoundTrip(_ text: String) throws {
        let time = try #require(UTCTime(iso8601: text))
        #expect(UTCTime(iso8601: time.iso8601) == time)
    }

    @Test(arguments: ["", "2026-11-22", "2026-11-22T13:05:07", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                      "2026-11-22T25:00:00Z", "2026-11-22T13:05:07.Z", "2026-11-22T13:05:07Zjunk", "26-11-22T13:05:07Z"])
    func rejectsMalformedTimes(_ text: String) {
        #expect(UTCTime(iso8601: text) == nil)
    }
}
