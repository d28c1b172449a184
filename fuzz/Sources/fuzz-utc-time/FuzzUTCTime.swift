import FuzzSupport
import Glibc
@testable import STSProcCore

/// UTCTime's ISO 8601 parser (STS `Expiration`, SSO `expiresAt`, SAML `NotOnOrAfter`) and
/// printer (the credential_process document, the SSO token file).
///
/// The input is read twice. As text: whatever the parser accepts prints as
/// `YYYY-MM-DDThh:mm:ssZ` and parses back to the same instant. As the fields of a date-time
/// (its first 12 bytes), written in one of the accepted spellings: the parser agrees with
/// the C library's calendar (`timegm`) — it rejects a day the month does not have, and reads
/// any other date-time as the instant `timegm` gives less its offset — and every instant it
/// returns prints and reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTCTime(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let time = UTCTime(iso8601: text) {
        checkRoundTrip(time, from: text)
    }
    if bytes.count >= 12 {
        checkFields(Array(bytes.prefix(12)))
    }
    return 0
}

private func checkRoundTrip(_ time: UTCTime, from origin: String) {
    let printed = time.iso8601
    require(printed.utf8.count == 20 && printed.utf8.last == UInt8(ascii: "Z"),
            "\(String(reflecting: origin)) prints as \(String(reflecting: printed))")
    let again = UTCTime(iso8601: printed)
    require(again == time,
            "\(String(reflecting: origin)) is \(time.secondsSinceEpoch) s, prints as \(printed), which reads back as "
            + (again.map { "\($0.secondsSinceEpoch) s" } ?? "nothing"))
}

private func checkFields(_ field: [UInt8]) {
    let year = (Int(field[0]) << 8 | Int(field[1])) % 10_000
    let month = Int(field[2]) % 12 + 1, day = Int(field[3]) % 31 + 1
    let hour = Int(field[4]) % 24, minute = Int(field[5]) % 60, second = Int(field[6]) % 61
    let fraction = ["", ".5", ".123", ".123456789"][Int(field[7]) % 4]
    let offsetHours = Int(field[9]) % 24, offsetMinutes = Int(field[10]) % 60
    let separator = ["T", "t", " "][Int(field[11]) % 3]
    let zone: String, offset: Int
    switch field[8] % 4 {
    case 0: (zone, offset) = ("Z", 0)
    case 1: (zone, offset) = ("z", 0)
    case 2: (zone, offset) = ("+" + digits(offsetHours, 2) + ":" + digits(offsetMinutes, 2), offsetHours * 3600 + offsetMinutes * 60)
    default: (zone, offset) = ("-" + digits(offsetHours, 2) + ":" + digits(offsetMinutes, 2), -(offsetHours * 3600 + offsetMinutes * 60))
    }
    let text = digits(year, 4) + "-" + digits(month, 2) + "-" + digits(day, 2) + separator + digits(hour, 2) + ":"
        + digits(minute, 2) + ":" + digits(second, 2) + fraction + zone
    let parsed = UTCTime(iso8601: text)
    if let parsed { checkRoundTrip(parsed, from: text) }

    // timegm moves a day the month lacks (02-30) into the next month.
    var date = tm()
    (date.tm_year, date.tm_mon, date.tm_mday) = (Int32(year - 1900), Int32(month - 1), Int32(day))
    var calendar = date
    _ = timegm(&date)
    guard date.tm_mday == Int32(day) else {
        require(parsed == nil, "\(text) names a day its month does not have, yet reads as \(parsed!.secondsSinceEpoch) s")
        return
    }
    (calendar.tm_hour, calendar.tm_min, calendar.tm_sec) = (Int32(hour), Int32(minute), Int32(second))
    let local = Int64(timegm(&calendar))  // 23:59:60 is the next day's first second
    let expected = local - Int64(offset)
    // 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59Z: what four digits of year can print.
    if (-62_167_219_200...253_402_300_799).contains(expected) {
        require(parsed?.secondsSinceEpoch == expected, "\(text) is \(expected) s by timegm, but reads as "
                + (parsed.map { "\($0.secondsSinceEpoch) s" } ?? "nothing"))
    }
}

private func digits(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

@main enum FuzzUTCTime {
    static func main() { runLibFuzzer(fuzzUTCTime) }
}
