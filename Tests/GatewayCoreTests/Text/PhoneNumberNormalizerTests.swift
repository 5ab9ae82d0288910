import Testing
import GatewayCore

@Suite("E.164 phone numbers")
struct PhoneNumberNormalizerTests {
    @Test("Chinese numbers as written", arguments: [
        ("138 1234 5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("010-12345678", "+861012345678"),
        ("(021) 6123 4567", "+862161234567"),
        ("0755-8888 1234", "+8675588881234"),
        ("+852 2345 6789", "+85223456789"),
        ("138 1234 5678 ext. 12", "+8613812345678"),
    ])
    func china(_ raw: String, _ expected: String) throws {
        let n = try #require(PhoneNumberNormalizer(defaultCountry: "CN"))
        #expect(n.e164(raw) == expected)
    }

    @Test("not dialable numbers give nil", arguments: ["12345", "client1", "", "+0 123 4567", "0000000000", "139", "SIP/100"])
    func notNumbers(_ raw: String) throws {
        let n = try #require(PhoneNumberNormalizer(defaultCountry: "CN"))
        #expect(n.e164(raw) == nil)
    }

    @Test("other default countries")
    func otherCountries() throws {
        #expect(PhoneNumberNormalizer(defaultCountry: "US")?.e164("(415) 555-2671") == "+14155552671")
        #expect(PhoneNumberNormalizer(defaultCountry: "us")?.e164("1-415-555-2671") == "+14155552671")
        #expect(PhoneNumberNormalizer(defaultCountry: "GB")?.e164("020 7946 0018") == "+442079460018")
        #expect(PhoneNumberNormalizer(defaultCountry: "HK")?.e164("2345 6789") == "+85223456789")
        #expect(PhoneNumberNormalizer(defaultCountry: "XX") == nil)
    }
}
