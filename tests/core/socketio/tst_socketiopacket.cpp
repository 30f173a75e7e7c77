// Socket.IO v5 packet codec: header parsing and the Node decoder's validation rules, the stateful
// binary decoder, encoding, round trips, the wire examples of socketio.md §2.1, and the project's
// JSON rules (surrogate escapes, invalid UTF-8, nesting limit).

// Row values are built with '+': as QStringBuilder they would not match the QByteArray columns.
#undef QT_USE_QSTRINGBUILDER

#include "packetdescription.h"
#include "socketio/engineiopacket.h"
#include "socketio/socketiopacket.h"

#include <QTest>

#include <cmath>
#include <string>
#include <string_view>

using namespace std::string_view_literals;
using ango::socketio::Packet;
using ango::socketio::PacketType;
using ango::test::describe;
using ango::test::errorText;
using nlohmann::json;

namespace {

struct Frame
{
    bool binary = false;
    QByteArray bytes;
};

Frame text(const QByteArray &bytes)
{
    return {false, bytes};
}

Frame bin(const QByteArray &bytes)
{
    return {true, bytes};
}

QByteArray raw(std::string_view bytes)
{
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

json binary(std::string_view bytes)
{
    return json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
}

QByteArray placeholder(int num)
{
    return "{\"_placeholder\":true,\"num\":" + QByteArray::number(num) + "}";
}

// "[" repeated, for nesting-depth rows.
// Type for type (unsigned vs signed integers too), value for value.
bool sameJson(const json &a, const json &b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case json::value_t::array:
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), sameJson);
    case json::value_t::object:
        return a.size() == b.size()
               && std::all_of(a.items().begin(), a.items().end(), [&](const auto &item) {
                      const auto other = b.find(item.key());
                      return other != b.end() && sameJson(item.value(), *other);
                  });
    default:
        return a == b;
    }
}

QByteArray nested(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

QByteArrayList toList(const std::vector<std::string> &strings)
{
    QByteArrayList list;
    for (const auto &s : strings)
        list.append(QByteArray::fromStdString(s));
    return list;
}

const QByteArray kReplacement = "\xEF\xBF\xBD"; // U+FFFD in UTF-8

} // namespace

Q_DECLARE_METATYPE(Frame)
Q_DECLARE_METATYPE(ango::socketio::Packet)
Q_DECLARE_METATYPE(nlohmann::json)

class TestSocketIoPacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeText_data();
    void decodeText();
    void decoder_data();
    void decoder();
    void encode_data();
    void encode();
    void appendEventText_data();
    void appendEventText();
    void appendEventTextRefusesBinary();
    void roundTrip_data();
    void roundTrip();
    void wireExamples_data();
    void wireExamples();
    void parseJson_data();
    void parseJson();
    void parseJsonAsNlohmann_data();
    void parseJsonAsNlohmann();
    void dumpJson_data();
    void dumpJson();
    void dumpJsonMatchesSerializer_data();
    void dumpJsonMatchesSerializer();
    void factories();
    void decoderMovedWhilePending();
};

void TestSocketIoPacket::decodeText_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    // Every packet type, valid.
    QTest::newRow("connect") << QByteArray("0") << QByteArray("CONNECT /");
    QTest::newRow("connect nsp") << QByteArray("0/admin,") << QByteArray("CONNECT /admin");
    QTest::newRow("connect auth") << QByteArray(R"(0{"token":"123"})")
                                  << QByteArray(R"(CONNECT / {"token":"123"})");
    QTest::newRow("connect reply sid") << QByteArray(R"(0/custom,{"sid":"xZ9","pid":"p"})")
                                       << QByteArray(R"(CONNECT /custom {"pid":"p","sid":"xZ9"})");
    QTest::newRow("connect nsp without comma")
        << QByteArray("0/custom") << QByteArray("CONNECT /custom");
    QTest::newRow("connect empty object") << QByteArray("0{}") << QByteArray("CONNECT / {}");
    QTest::newRow("disconnect") << QByteArray("1") << QByteArray("DISCONNECT /");
    QTest::newRow("disconnect nsp") << QByteArray("1/admin,") << QByteArray("DISCONNECT /admin");
    QTest::newRow("disconnect with payload (python)")
        << QByteArray(R"(1/admin,{"message":"refused"})")
        << QByteArray(R"(DISCONNECT /admin {"message":"refused"})");
    QTest::newRow("disconnect with number") << QByteArray("1 5") << QByteArray("DISCONNECT / 5");
    QTest::newRow("disconnect id and number")
        << QByteArray("12 -3") << QByteArray("DISCONNECT / #2 -3");
    QTest::newRow("disconnect with string")
        << QByteArray(R"(1"bye")") << QByteArray(R"(DISCONNECT / "bye")");
    QTest::newRow("event") << QByteArray(R"(2["foo"])") << QByteArray(R"(EVENT / ["foo"])");
    QTest::newRow("event nsp") << QByteArray(R"(2/admin,["bar"])")
                               << QByteArray(R"(EVENT /admin ["bar"])");
    QTest::newRow("event ack id") << QByteArray(R"(212["foo"])")
                                  << QByteArray(R"(EVENT / #12 ["foo"])");
    QTest::newRow("event nsp ack id")
        << QByteArray(R"(2/admin,7["a",1])") << QByteArray(R"(EVENT /admin #7 ["a",1])");
    QTest::newRow("event many args")
        << QByteArray(R"(2["foo",1,true,null,{"a":[1.5,-2]},"x"])")
        << QByteArray(R"(EVENT / ["foo",1,true,null,{"a":[1.5,-2]},"x"])");
    QTest::newRow("event nested json")
        << QByteArray(R"(2["x",{"a":{"b":[1,[2,[3,{"c":null}]]]},"d":[]}])")
        << QByteArray(R"(EVENT / ["x",{"a":{"b":[1,[2,[3,{"c":null}]]]},"d":[]}])");
    QTest::newRow("event whitespace around json")
        << QByteArray("2 [ \"foo\" ] \n") << QByteArray(R"(EVENT / ["foo"])");
    QTest::newRow("ack") << QByteArray(R"(3/admin,13["bar"])")
                         << QByteArray(R"(ACK /admin #13 ["bar"])");
    QTest::newRow("ack empty") << QByteArray("313[]") << QByteArray("ACK / #13 []");
    QTest::newRow("ack without payload") << QByteArray("313") << QByteArray("ACK / #13");
    QTest::newRow("ack several args")
        << QByteArray(R"(31[null,"a",{"k":2}])") << QByteArray(R"(ACK / #1 [null,"a",{"k":2}])");
    QTest::newRow("connect_error object")
        << QByteArray(R"(4{"message":"Not authorized"})")
        << QByteArray(R"(CONNECT_ERROR / {"message":"Not authorized"})");
    QTest::newRow("connect_error data")
        << QByteArray(R"(4/private,{"message":"not authorized","data":{"code":42}})")
        << QByteArray(R"(CONNECT_ERROR /private {"data":{"code":42},"message":"not authorized"})");
    QTest::newRow("connect_error string (python)")
        << QByteArray(R"(4/nope,"Unable to connect")")
        << QByteArray(R"(CONNECT_ERROR /nope "Unable to connect")");
    QTest::newRow("connect_error absent") << QByteArray("4/x,") << QByteArray("CONNECT_ERROR /x");
    QTest::newRow("binary event") << "51-[\"baz\"," + placeholder(0) + "]"
                                  << "BINARY_EVENT+1 / [\"baz\"," + placeholder(0) + "]";
    QTest::newRow("binary event nsp 2")
        << "52-/admin,[\"x\"," + placeholder(0) + "," + placeholder(1) + "]"
        << "BINARY_EVENT+2 /admin [\"x\"," + placeholder(0) + "," + placeholder(1) + "]";
    QTest::newRow("binary event ack id")
        << QByteArray("52-/a,9[\"x\"]") << QByteArray("BINARY_EVENT+2 /a #9 [\"x\"]");
    QTest::newRow("binary ack") << "61-15[\"bar\"," + placeholder(0) + "]"
                                << "BINARY_ACK+1 / #15 [\"bar\"," + placeholder(0) + "]";
    QTest::newRow("binary ack empty")
        << QByteArray("61-15[]") << QByteArray("BINARY_ACK+1 / #15 []");
    QTest::newRow("binary 0 attachments")
        << QByteArray("50-[\"x\"]") << QByteArray("BINARY_EVENT+0 / [\"x\"]");
    QTest::newRow("binary 10 attachments")
        << QByteArray("510-[\"x\"]") << QByteArray("BINARY_EVENT+10 / [\"x\"]");
    QTest::newRow("binary 010 attachments")
        << QByteArray("6010-1[]") << QByteArray("BINARY_ACK+10 / #1 []");
    QTest::newRow("placeholder out of range left to Decoder")
        << "51-[\"x\"," + placeholder(5) + "]"
        << "BINARY_EVENT+1 / [\"x\"," + placeholder(5) + "]";

    // Attachment counts.
    QTest::newRow("11 attachments")
        << QByteArray("511-[\"x\"]") << QByteArray("error: too many attachments: more than 10");
    QTest::newRow("huge attachments") << QByteArray("5999999999999999999999999999-[\"x\"]")
                                      << QByteArray("error: too many attachments: more than 10");
    QTest::newRow("100 attachments ack")
        << QByteArray("6100-[]") << QByteArray("error: too many attachments: more than 10");
    QTest::newRow("no attachment count")
        << QByteArray("5-[\"x\"]")
        << QByteArray("error: BINARY_EVENT packet has no attachment count");
    QTest::newRow("binary type only")
        << QByteArray("6") << QByteArray("error: BINARY_ACK packet has no attachment count");
    QTest::newRow("attachment count not number")
        << QByteArray("5a-[\"x\"]")
        << QByteArray("error: BINARY_EVENT packet has no attachment count");
    QTest::newRow("attachment count without dash")
        << QByteArray("51[\"x\"]")
        << QByteArray("error: attachment count of a BINARY_EVENT packet is not followed by '-'");
    QTest::newRow("attachment count truncated")
        << QByteArray("61")
        << QByteArray("error: attachment count of a BINARY_ACK packet is not followed by '-'");

    // Namespaces.
    QTest::newRow("nsp query stripped")
        << QByteArray("2/admin?token=1,[\"x\"]") << QByteArray("EVENT /admin [\"x\"]");
    QTest::newRow("nsp only query") << QByteArray("0/?x=1,") << QByteArray("CONNECT /");
    QTest::newRow("nsp root with comma") << QByteArray("0/,") << QByteArray("CONNECT /");
    QTest::newRow("nsp nested path")
        << QByteArray("2/a/b,[\"x\"]") << QByteArray("EVENT /a/b [\"x\"]");
    QTest::newRow("nsp unicode") << QByteArray("2/\xC3\xBC\xF0\x9F\x98\x80,[\"x\"]")
                                 << QByteArray("EVENT /\xC3\xBC\xF0\x9F\x98\x80 [\"x\"]");
    QTest::newRow("nsp with dash and digits")
        << QByteArray("2/n-1,5[\"x\"]") << QByteArray("EVENT /n-1 #5 [\"x\"]");
    QTest::newRow("nsp without slash")
        << QByteArray("2admin,[\"x\"]") << QByteArray("error: namespace must start with '/'");
    QTest::newRow("nsp without comma before payload")
        << QByteArray("2/admin[\"x\"]")
        << QByteArray("error: EVENT payload must be a non-empty array (got nothing)");
    QTest::newRow("nsp double comma")
        << QByteArray("2/admin,,[\"x\"]")
        << QByteArray("error: expected an ack id or a JSON payload, found ','");
    QTest::newRow("binary nsp without slash")
        << QByteArray("51-admin,[\"x\"]") << QByteArray("error: namespace must start with '/'");

    // Ack ids.
    QTest::newRow("ack id 0") << QByteArray("20[\"x\"]") << QByteArray("EVENT / #0 [\"x\"]");
    QTest::newRow("ack id leading zeros")
        << QByteArray("2007[\"x\"]") << QByteArray("EVENT / #7 [\"x\"]");
    QTest::newRow("ack id uint64 max")
        << QByteArray("318446744073709551615[]") << QByteArray("ACK / #18446744073709551615 []");
    QTest::newRow("ack id uint64 max+1")
        << QByteArray("318446744073709551616[]")
        << QByteArray("error: ack id is too large: it overflows 64 bits");
    QTest::newRow("ack id 40 digits")
        << QByteArray("2" + QByteArray(40, '9') + "[\"x\"]")
        << QByteArray("error: ack id is too large: it overflows 64 bits");
    QTest::newRow("ack id letters")
        << QByteArray("2abc[\"x\"]") << QByteArray("error: ack id is not a number: found 'a'");
    QTest::newRow("ack id digits then letters")
        << QByteArray("212abc[\"x\"]")
        << QByteArray("error: ack id is not a number: its digits are followed by 'a'");
    QTest::newRow("ack id negative")
        << QByteArray("3-1[]") << QByteArray("error: ack id is not a number: found '-'");
    QTest::newRow("ack id after nsp letters")
        << QByteArray("3/a,x1[]") << QByteArray("error: ack id is not a number: found 'x'");

    // Payload rules of the Node decoder.
    QTest::newRow("event object") << QByteArray(
        "2{}") << QByteArray("error: EVENT payload must be a non-empty array (got an object)");
    QTest::newRow("event empty array")
        << QByteArray("2[]")
        << QByteArray("error: EVENT payload must be a non-empty array (got an empty array)");
    QTest::newRow("event absent") << QByteArray(
        "2") << QByteArray("error: EVENT payload must be a non-empty array (got nothing)");
    QTest::newRow("event absent with id")
        << QByteArray("2/a,12")
        << QByteArray("error: EVENT payload must be a non-empty array (got nothing)");
    QTest::newRow("event string") << QByteArray(
        "2\"foo\"") << QByteArray("error: EVENT payload must be a non-empty array (got a string)");
    QTest::newRow("event literal true")
        << QByteArray("2true")
        << QByteArray("error: EVENT payload must be a non-empty array (got a boolean)");
    QTest::newRow("event name object")
        << QByteArray("2[{}]")
        << QByteArray("error: event name must be a string or a number (got an object)");
    QTest::newRow("event name null")
        << QByteArray("2[null,1]")
        << QByteArray("error: event name must be a string or a number (got null)");
    QTest::newRow("event name bool")
        << QByteArray("2[true]")
        << QByteArray("error: event name must be a string or a number (got a boolean)");
    QTest::newRow("event name array")
        << QByteArray("2[[\"x\"]]")
        << QByteArray("error: event name must be a string or a number (got an array)");
    QTest::newRow("event name numeric")
        << QByteArray("2[42,\"a\"]") << QByteArray("EVENT / [42,\"a\"]");
    QTest::newRow("event name negative") << QByteArray("2[-1]") << QByteArray("EVENT / [-1]");
    QTest::newRow("event name float") << QByteArray("2[1.5]") << QByteArray("EVENT / [1.5]");
    QTest::newRow("event name empty string")
        << QByteArray("2[\"\"]") << QByteArray("EVENT / [\"\"]");
    for (const char *reserved : {"connect", "connect_error", "disconnect", "disconnecting",
                                 "newListener", "removeListener"}) {
        QTest::addRow("reserved %s", reserved)
            << "2[\"" + QByteArray(reserved) + "\",1]"
            << "error: '" + QByteArray(reserved) + "' is a reserved event name";
    }
    QTest::newRow("reserved in binary event")
        << "51-[\"disconnect\"," + placeholder(0) + "]"
        << QByteArray("error: 'disconnect' is a reserved event name");
    QTest::newRow("reserved is case sensitive")
        << QByteArray("2[\"Connect\"]") << QByteArray("EVENT / [\"Connect\"]");
    QTest::newRow("reserved name as argument")
        << QByteArray("2[\"x\",\"connect\"]") << QByteArray("EVENT / [\"x\",\"connect\"]");
    QTest::newRow("reserved escaped") << QByteArray(R"(2["\u0063onnect"])")
                                      << QByteArray("error: 'connect' is a reserved event name");
    QTest::newRow("ack object") << QByteArray(
        "31{}") << QByteArray("error: ACK payload must be an array (got an object)");
    QTest::newRow("ack string") << QByteArray("31\"x\"")
                                << QByteArray("error: ACK payload must be an array (got a string)");
    QTest::newRow("binary ack object")
        << QByteArray("61-1{}")
        << QByteArray("error: BINARY_ACK payload must be an array (got an object)");
    QTest::newRow("binary event object")
        << QByteArray("51-{}")
        << QByteArray("error: BINARY_EVENT payload must be a non-empty array (got an object)");
    QTest::newRow("connect array")
        << QByteArray("0[]")
        << QByteArray("error: CONNECT payload must be an object (got an empty array)");
    QTest::newRow("connect string")
        << QByteArray("0/a,\"x\"")
        << QByteArray("error: CONNECT payload must be an object (got a string)");
    QTest::newRow("connect null") << QByteArray(
        "0null") << QByteArray("error: CONNECT payload must be an object (got null)");
    QTest::newRow("connect_error array")
        << QByteArray("4[\"x\"]")
        << QByteArray("error: CONNECT_ERROR payload must be a string or an object (got an array)");
    QTest::newRow("connect_error number")
        << QByteArray("4/a, 5")
        << QByteArray("error: CONNECT_ERROR payload must be a string or an object (got a number)");

    // Garbage and truncation.
    QTest::newRow("empty") << QByteArray() << QByteArray("error: empty Socket.IO packet");
    QTest::newRow("type 7") << QByteArray("7[\"x\"]")
                            << QByteArray("error: unknown Socket.IO packet type '7'");
    QTest::newRow("type letter") << QByteArray("a")
                                 << QByteArray("error: unknown Socket.IO packet type 'a'");
    QTest::newRow("type NUL") << raw("\0[]"sv)
                              << QByteArray("error: unknown Socket.IO packet type 0x00");
    QTest::newRow("type 0xff") << QByteArray("\xff")
                               << QByteArray("error: unknown Socket.IO packet type 0xff");
    QTest::newRow("type space") << QByteArray(" 2")
                                << QByteArray("error: unknown Socket.IO packet type ' '");
    QTest::newRow("engine.io prefix left on")
        << QByteArray("42[\"x\"]")
        << QByteArray("error: CONNECT_ERROR payload must be a string or an object (got an array)");
    QTest::newRow("truncated array")
        << QByteArray("2[\"x\"")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 5: syntax error while parsing "
               "array - unexpected end of input; expected ']'");
    QTest::newRow("truncated string")
        << QByteArray("2[\"x")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 4: syntax error while parsing "
               "value - invalid string: missing closing quote");
    QTest::newRow("truncated object")
        << QByteArray("0{\"a\":")
        << QByteArray(
               "error: invalid CONNECT payload: invalid JSON at byte 6: syntax error while parsing "
               "value - unexpected end of input; expected '[', '{', or a literal");
    QTest::newRow("trailing comma")
        << QByteArray("2[\"x\",]")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 6: syntax error while parsing "
               "value - unexpected ']'; expected '[', '{', or a literal");
    QTest::newRow("trailing garbage")
        << QByteArray("2[\"x\"]]")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 6: syntax error while parsing "
               "value - unexpected ']'; expected end of input");
    QTest::newRow("two payloads")
        << QByteArray("2[\"x\"][\"y\"]")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 6: syntax error while parsing "
               "value - unexpected '['; expected end of input");
    QTest::newRow("raw NUL in string")
        << raw("2[\"a\0\"]"sv)
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 4: syntax error while parsing "
               "value - invalid string: control character U+0000 (NUL) must be escaped to \\u0000");
    QTest::newRow("invalid UTF-8")
        << QByteArray("2[\"\xff\"]")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 3: syntax error while parsing "
               "value - invalid string: ill-formed UTF-8 byte");
    QTest::newRow("number overflow")
        << QByteArray("2[1e400]")
        << QByteArray("error: invalid EVENT payload: invalid JSON: number overflow");
    QTest::newRow("bad escape")
        << QByteArray(R"(2["\u12G4"])")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 7: syntax error while parsing "
               "value - invalid string: '\\u' must be followed by 4 hex digits");
    QTest::newRow("truncated escape")
        << QByteArray(R"(2["\ud8)")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 7: syntax error while parsing "
               "value - invalid string: '\\u' must be followed by 4 hex digits");
    QTest::newRow("unbalanced close")
        << QByteArray("2]") << QByteArray("error: expected an ack id or a JSON payload, found ']'");
    QTest::newRow("payload secret not echoed")
        << QByteArray(R"(0{"token":"s3cr3t)")
        << QByteArray("error: invalid CONNECT payload: invalid JSON at byte 17: syntax error while "
                      "parsing value - invalid string: missing closing quote");

    // Nesting depth: at most kMaxJsonDepth levels.
    QTest::newRow("depth 512") << "2[\"x\"," + nested(511) + "]"
                               << "EVENT / [\"x\"," + nested(511) + "]";
    QTest::newRow("depth 513")
        << "2[\"x\"," + nested(512) + "]"
        << QByteArray("error: invalid EVENT payload: JSON is nested deeper than 512 levels");
    QTest::newRow("depth 100000 unclosed")
        << "2" + QByteArray(100000, '[')
        << QByteArray("error: invalid EVENT payload: JSON is nested deeper than 512 levels");
    QTest::newRow("brackets in strings do not count")
        << "2[\"" + QByteArray(5000, '[') + "\"]"
        << "EVENT / [\"" + QByteArray(5000, '[') + "\"]";

    // Unicode.
    QTest::newRow("raw UTF-8") << QByteArray("2[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]")
                               << QByteArray("EVENT / [\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]");
    QTest::newRow("python escapes")
        << QByteArray(R"(2["\u00e9\u20ac\ud83d\ude00"])")
        << QByteArray("EVENT / [\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]");
    QTest::newRow("uppercase escapes")
        << QByteArray(R"(2["\uD83D\uDE00"])") << QByteArray("EVENT / [\"\xF0\x9F\x98\x80\"]");
    QTest::newRow("lone high surrogate")
        << QByteArray(R"(2["a\ud800b"])") << "EVENT / [\"a" + kReplacement + "b\"]";
    QTest::newRow("lone low surrogate")
        << QByteArray(R"(2["\udc00"])") << "EVENT / [\"" + kReplacement + "\"]";
    QTest::newRow("high then BMP escape")
        << QByteArray(R"(2["\ud800\u0041"])") << "EVENT / [\"" + kReplacement + "A\"]";
    QTest::newRow("high high low") << QByteArray(R"(2["\ud800\ud83d\ude00"])")
                                   << "EVENT / [\"" + kReplacement + "\xF0\x9F\x98\x80\"]";
    QTest::newRow("low then high") << QByteArray(R"(2["\ude00\ud83d"])")
                                   << "EVENT / [\"" + kReplacement + kReplacement + "\"]";
    QTest::newRow("high at end of string")
        << QByteArray(R"(2["x","\ud83d"])") << "EVENT / [\"x\",\"" + kReplacement + "\"]";
    QTest::newRow("lone surrogate as event name")
        << QByteArray(R"(2["\udfff",1])") << "EVENT / [\"" + kReplacement + "\",1]";
    QTest::newRow("lone surrogate in key")
        << QByteArray(R"(0{"\ud800":1})") << "CONNECT / {\"" + kReplacement + "\":1}";
    QTest::newRow("escaped backslash before u")
        << QByteArray(R"(2["\\ud800"])") << QByteArray(R"(EVENT / ["\\ud800"])");
    QTest::newRow("escaped backslash then lone")
        << QByteArray(R"(2["\\\ud800"])") << "EVENT / [\"\\\\" + kReplacement + "\"]";
    QTest::newRow("escaped quote then lone")
        << QByteArray(R"(2["\"\udc00"])") << "EVENT / [\"\\\"" + kReplacement + "\"]";
    QTest::newRow("escaped NUL") << QByteArray(R"(2["a\u0000b"])")
                                 << QByteArray(R"(EVENT / ["a\u0000b"])");
    QTest::newRow("escaped NUL event name")
        << QByteArray(R"(2["\u0000"])") << QByteArray(R"(EVENT / ["\u0000"])");
    QTest::newRow("surrogate escape outside string")
        << QByteArray(R"(2[\ud800])")
        << QByteArray(
               "error: invalid EVENT payload: invalid JSON at byte 2: syntax error while parsing "
               "value - invalid literal");
}

void TestSocketIoPacket::decodeText()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const auto header = ango::socketio::decodeText(view(input));
    if (!header) {
        QCOMPARE(errorText(header.error()), expected);
        return;
    }
    const bool binary = header->packet.type == PacketType::BinaryEvent
                        || header->packet.type == PacketType::BinaryAck;
    if (!binary)
        QCOMPARE(header->attachmentCount, 0);
    QCOMPARE(describe(header->packet, binary ? header->attachmentCount : -1), expected);
}

void TestSocketIoPacket::decoder_data()
{
    QTest::addColumn<QList<Frame>>("frames");
    QTest::addColumn<QByteArrayList>("results"); // one per frame: "pending", a packet or an error

    const QByteArray pending = "pending";
    QTest::newRow("plain event") << QList<Frame>{text("2[\"foo\"]")}
                                 << QByteArrayList{"EVENT / [\"foo\"]"};
    QTest::newRow("1 attachment") << QList<Frame>{text("51-[\"baz\"," + placeholder(0) + "]"),
                                                  bin("\x01\x02")}
                                  << QByteArrayList{pending, "EVENT / [\"baz\",<bin 0102>]"};
    QTest::newRow("binary ack 2 attachments nested")
        << QList<Frame>{text("62-/admin,7[" + placeholder(1) + ",{\"k\":" + placeholder(0) + "}]"),
                        bin("A"), bin("B")}
        << QByteArrayList{pending, pending, "ACK /admin #7 [<bin 42>,{\"k\":<bin 41>}]"};
    {
        QByteArray header = "510-[\"ten\"";
        QList<Frame> frames;
        QByteArray expected = "EVENT / [\"ten\"";
        QByteArrayList results;
        for (int i = 0; i < 10; ++i) {
            header += "," + placeholder(i);
            frames.append(bin(QByteArray(1, char('a' + i))));
            expected += ",<bin " + QByteArray::number(0x61 + i, 16) + ">";
            results.append(pending);
        }
        frames.prepend(text(header + "]"));
        results.prepend(pending);
        results.last() = expected + "]";
        QTest::newRow("10 attachments") << frames << results;
    }
    QTest::newRow("11 attachments")
        << QList<Frame>{text("511-[\"x\"]"), bin("a")}
        << QByteArrayList{
               "error: too many attachments: more than 10",
               "error: binary frame received with no BINARY_EVENT or BINARY_ACK pending"};
    QTest::newRow("0 attachments completes at once")
        << QList<Frame>{text("50-[\"x\",{\"_placeholder\":false}]")}
        << QByteArrayList{"EVENT / [\"x\",{\"_placeholder\":false}]"};
    QTest::newRow("0 attachments with placeholder")
        << QList<Frame>{text("50-[\"x\"," + placeholder(0) + "]")}
        << QByteArrayList{
               "error: placeholder num 0 is out of range: the packet has 0 attachment(s)"};
    QTest::newRow("deeply nested placeholder")
        << QList<Frame>{text("51-[\"x\",{\"a\":[1,{\"b\":[[" + placeholder(0) + "]]}]}]"), bin("z")}
        << QByteArrayList{pending, "EVENT / [\"x\",{\"a\":[1,{\"b\":[[<bin 7a>]]}]}]"};
    QTest::newRow("same num twice")
        << QList<Frame>{text("51-[\"x\"," + placeholder(0) + "," + placeholder(0) + "]"), bin("q")}
        << QByteArrayList{pending, "EVENT / [\"x\",<bin 71>,<bin 71>]"};
    QTest::newRow("unreferenced attachment still awaited")
        << QList<Frame>{text("52-[\"x\"," + placeholder(1) + "]"), bin("first"), bin("second")}
        << QByteArrayList{pending, pending, "EVENT / [\"x\",<bin 7365636f6e64>]"};
    QTest::newRow("placeholder with extra keys replaced")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":true,\"num\":0,\"extra\":1}]"), bin("e")}
        << QByteArrayList{pending, "EVENT / [\"x\",<bin 65>]"};
    QTest::newRow("empty attachment")
        << QList<Frame>{text("51-[\"x\"," + placeholder(0) + "]"), bin("")}
        << QByteArrayList{pending, "EVENT / [\"x\",<bin >]"};
    QTest::newRow("attachment with every byte value")
        << QList<Frame>{text("51-[\"x\"," + placeholder(0) + "]"), bin(raw("\0\x7f\x80\xff"sv))}
        << QByteArrayList{pending, "EVENT / [\"x\",<bin 007f80ff>]"};
    QTest::newRow("placeholder num out of range")
        << QList<Frame>{text("51-[\"x\"," + placeholder(1) + "]"), bin("a")}
        << QByteArrayList{
               "error: placeholder num 1 is out of range: the packet has 1 attachment(s)",
               "error: binary frame received with no BINARY_EVENT or BINARY_ACK pending"};
    QTest::newRow("placeholder num negative")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":true,\"num\":-1}]")}
        << QByteArrayList{"error: placeholder num must be a non-negative integer (got a number)"};
    QTest::newRow("placeholder num float")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":true,\"num\":0.5}]")}
        << QByteArrayList{"error: placeholder num must be a non-negative integer (got a number)"};
    QTest::newRow("placeholder num string")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]")}
        << QByteArrayList{"error: placeholder num must be a non-negative integer (got a string)"};
    QTest::newRow("placeholder without num")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":true}]")}
        << QByteArrayList{"error: placeholder has no num"};
    QTest::newRow("placeholder flag not boolean")
        << QList<Frame>{text("51-[\"x\",{\"_placeholder\":\"true\",\"num\":0}]"), bin("a")}
        << QByteArrayList{pending, "EVENT / [\"x\",{\"_placeholder\":\"true\",\"num\":0}]"};
    QTest::newRow("placeholder as event name")
        << QList<Frame>{text("51-[" + placeholder(0) + "]")}
        << QByteArrayList{"error: event name must be a string or a number (got an object)"};
    QTest::newRow("placeholder in plain event stays json")
        << QList<Frame>{text("2[\"x\"," + placeholder(0) + "]")}
        << QByteArrayList{"EVENT / [\"x\"," + placeholder(0) + "]"};
    QTest::newRow("text while attachments pending")
        << QList<Frame>{text("52-[\"x\"," + placeholder(0) + "]"), bin("a"), text("2[\"y\"]"),
                        text("2[\"z\"]")}
        << QByteArrayList{pending, pending,
                          "error: text frame received while 1 binary attachment(s) were still due",
                          "EVENT / [\"z\"]"};
    QTest::newRow("binary with nothing pending")
        << QList<Frame>{bin("x"), text("2[\"y\"]")}
        << QByteArrayList{"error: binary frame received with no BINARY_EVENT or BINARY_ACK pending",
                          "EVENT / [\"y\"]"};
    QTest::newRow("binary after completion")
        << QList<Frame>{text("51-[\"x\"," + placeholder(0) + "]"), bin("a"), bin("b")}
        << QByteArrayList{
               pending, "EVENT / [\"x\",<bin 61>]",
               "error: binary frame received with no BINARY_EVENT or BINARY_ACK pending"};
    QTest::newRow("invalid header leaves nothing pending")
        << QList<Frame>{text("51-{}"), bin("x")}
        << QByteArrayList{
               "error: BINARY_EVENT payload must be a non-empty array (got an object)",
               "error: binary frame received with no BINARY_EVENT or BINARY_ACK pending"};
    QTest::newRow("two binary packets in a row")
        << QList<Frame>{text("51-[\"a\"," + placeholder(0) + "]"), bin("1"),
                        text("61-/n,3[" + placeholder(0) + "]"), bin("2")}
        << QByteArrayList{pending, "EVENT / [\"a\",<bin 31>]", pending, "ACK /n #3 [<bin 32>]"};
    QTest::newRow("garbage text") << QList<Frame>{text("hello")}
                                  << QByteArrayList{"error: unknown Socket.IO packet type 'h'"};
}

void TestSocketIoPacket::decoder()
{
    QFETCH(QList<Frame>, frames);
    QFETCH(QByteArrayList, results);
    QCOMPARE(frames.size(), results.size());
    ango::socketio::Decoder decoder;
    for (qsizetype i = 0; i < frames.size(); ++i) {
        const auto result = frames[i].binary ? decoder.addBinary(view(frames[i].bytes))
                                             : decoder.addText(view(frames[i].bytes));
        QByteArray actual;
        if (!result)
            actual = errorText(result.error());
        else if (!result->has_value())
            actual = "pending";
        else
            actual = describe(**result);
        QCOMPARE(actual, results[i]);
        QCOMPARE(decoder.awaitingAttachments(), actual == "pending");
    }
}

void TestSocketIoPacket::encode_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("expectedText");
    QTest::addColumn<QByteArrayList>("expectedAttachments");

    const QByteArrayList none;
    QTest::newRow("event") << Packet::event("/", {"foo"}) << QByteArray("2[\"foo\"]") << none;
    QTest::newRow("event nsp") << Packet::event("/admin", {"bar"})
                               << QByteArray("2/admin,[\"bar\"]") << none;
    QTest::newRow("event ack id") << Packet::event("/", {"foo"}, 12) << QByteArray("212[\"foo\"]")
                                  << none;
    QTest::newRow("event ack id 0")
        << Packet::event("/", {"x"}, 0) << QByteArray("20[\"x\"]") << none;
    QTest::newRow("event ack id max") << Packet::event("/n", {"x"}, UINT64_MAX)
                                      << QByteArray("2/n,18446744073709551615[\"x\"]") << none;
    QTest::newRow("event empty nsp") << Packet::event("", {"x"}) << QByteArray("2[\"x\"]") << none;
    QTest::newRow("event numeric name")
        << Packet::event("/", {7, "a"}) << QByteArray("2[7,\"a\"]") << none;
    QTest::newRow("event numbers")
        << Packet::event("/", {"n", 1.5, -2, UINT64_MAX, 0.1})
        << QByteArray("2[\"n\",1.5,-2,18446744073709551615,0.1]") << none;
    QTest::newRow("event nested") << Packet::event(
        "/", json::parse(R"(["x",{"b":[1,{"c":null}],"a":true}])"))
                                  << QByteArray(R"(2["x",{"a":true,"b":[1,{"c":null}]}])") << none;
    QTest::newRow("ack") << Packet::ack("/admin", 13, {"bar"}) << QByteArray("3/admin,13[\"bar\"]")
                         << none;
    QTest::newRow("ack empty") << Packet::ack("/", 1, json::array()) << QByteArray("31[]") << none;
    QTest::newRow("connect") << Packet::connect("/") << QByteArray("0") << none;
    QTest::newRow("connect nsp") << Packet::connect("/admin") << QByteArray("0/admin,") << none;
    QTest::newRow("connect auth") << Packet::connect("/", json{{"token", "123"}})
                                  << QByteArray(R"(0{"token":"123"})") << none;
    QTest::newRow("connect nsp auth")
        << Packet::connect("/p", json::object()) << QByteArray("0/p,{}") << none;
    QTest::newRow("disconnect") << Packet::disconnect("/") << QByteArray("1") << none;
    QTest::newRow("disconnect nsp")
        << Packet::disconnect("/admin") << QByteArray("1/admin,") << none;
    QTest::newRow("disconnect number payload not merged with id")
        << Packet{PacketType::Disconnect, "/", 2, json(5)} << QByteArray("12 5") << none;
    QTest::newRow("connect_error")
        << Packet{PacketType::ConnectError, "/", {}, json{{"message", "Not authorized"}}}
        << QByteArray(R"(4{"message":"Not authorized"})") << none;
    QTest::newRow("binary event") << Packet::event("/", {"baz", binary("\x01\x02\x03")})
                                  << "51-[\"baz\"," + placeholder(0) + "]"
                                  << QByteArrayList{"\x01\x02\x03"};
    QTest::newRow("binary event nsp 2")
        << Packet::event("/admin", {"x", binary("a"), json{{"k", binary("b")}}})
        << "52-/admin,[\"x\"," + placeholder(0) + ",{\"k\":" + placeholder(1) + "}]"
        << QByteArrayList{"a", "b"};
    QTest::newRow("binary ack") << Packet::ack("/", 15, {"bar", binary("z")})
                                << "61-15[\"bar\"," + placeholder(0) + "]" << QByteArrayList{"z"};
    QTest::newRow("binary order follows sorted keys")
        << Packet::event("/", {"x", json{{"b", json::array({binary("2")})}, {"a", binary("1")}}})
        << "52-[\"x\",{\"a\":" + placeholder(0) + ",\"b\":[" + placeholder(1) + "]}]"
        << QByteArrayList{"1", "2"};
    QTest::newRow("binary with NULs")
        << Packet::event("/", {"x", binary("\0\xff"sv)}) << "51-[\"x\"," + placeholder(0) + "]"
        << QByteArrayList{raw("\0\xff"sv)};
    QTest::newRow("binary empty") << Packet::event("/", {"x", binary("")})
                                  << "51-[\"x\"," + placeholder(0) + "]" << QByteArrayList{""};
    {
        json args = {"eleven"};
        QByteArray text = "511-[\"eleven\"";
        QByteArrayList attachments;
        for (int i = 0; i < 11; ++i) {
            args.push_back(binary(std::string(1, char('a' + i))));
            text += "," + placeholder(i);
            attachments.append(QByteArray(1, char('a' + i)));
        }
        QTest::newRow("11 attachments still encoded")
            << Packet::event("/", args) << text + "]" << attachments;
    }
    QTest::newRow("binary type without binary")
        << Packet{PacketType::BinaryEvent, "/", 3, json{"x"}} << QByteArray("23[\"x\"]") << none;
    QTest::newRow("binary ack type without binary")
        << Packet{PacketType::BinaryAck, "/", 3, json::array()} << QByteArray("33[]") << none;
    QTest::newRow("binary in connect auth is plain json")
        << Packet::connect("/", json{{"k", binary("\x01")}})
        << QByteArray(R"(0{"k":{"bytes":[1],"subtype":null}})") << none;
    QTest::newRow("raw UTF-8 kept") << Packet::event("/", {"\xC3\xA9\xF0\x9F\x98\x80"})
                                    << QByteArray("2[\"\xC3\xA9\xF0\x9F\x98\x80\"]") << none;
    QTest::newRow("invalid UTF-8 replaced") << Packet::event("/", {"a\xff"
                                                                   "b"})
                                            << "2[\"a" + kReplacement + "b\"]" << none;
    QTest::newRow("NUL and controls escaped") << Packet::event("/", {std::string("a\0\n\"\\"sv)})
                                              << QByteArray(R"(2["a\u0000\n\"\\"])") << none;
    QTest::newRow("unicode nsp") << Packet::event("/\xC3\xBC", {"x"})
                                 << QByteArray("2/\xC3\xBC,[\"x\"]") << none;
}

void TestSocketIoPacket::encode()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, expectedText);
    QFETCH(QByteArrayList, expectedAttachments);
    const auto encoded = ango::socketio::encode(packet);
    QCOMPARE(QByteArray::fromStdString(encoded.text), expectedText);
    QCOMPARE(toList(encoded.attachments), expectedAttachments);
}

// The client's emit path writes events with appendEventText(); it must put on the wire what
// encode() writes for the same event, byte for byte.
void TestSocketIoPacket::appendEventText_data()
{
    QTest::addColumn<QByteArray>("nsp");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("args"); // JSON
    QTest::addColumn<qint64>("ackId");    // -1: none
    QTest::addColumn<QByteArray>("expectedText");

    QTest::newRow("one object") << QByteArray("/plugin") << QByteArray("log")
                                << QByteArray(R"([{"msg":"hi","session":"s-1"}])") << qint64(-1)
                                << QByteArray(R"(2/plugin,["log",{"msg":"hi","session":"s-1"}])");
    QTest::newRow("no args") << QByteArray("/") << QByteArray("ping") << QByteArray("[]")
                             << qint64(-1) << QByteArray(R"(2["ping"])");
    QTest::newRow("single value is one argument")
        << QByteArray("/") << QByteArray("n") << QByteArray("5") << qint64(-1)
        << QByteArray(R"(2["n",5])");
    QTest::newRow("single object is one argument")
        << QByteArray("/a") << QByteArray("e") << QByteArray(R"({"k":[1,2]})") << qint64(3)
        << QByteArray(R"(2/a,3["e",{"k":[1,2]}])");
    QTest::newRow("nested array argument")
        << QByteArray("/") << QByteArray("e") << QByteArray("[[1],[]]") << qint64(0)
        << QByteArray(R"(20["e",[1],[]])");
    QTest::newRow("name with quote and backslash")
        << QByteArray("/") << QByteArray("a\"b\\c") << QByteArray("[]") << qint64(-1)
        << QByteArray(R"(2["a\"b\\c"])");
    QTest::newRow("name with control char")
        << QByteArray("/") << QByteArray("a\nb") << QByteArray("[]") << qint64(-1)
        << QByteArray(R"(2["a\nb"])");
    QTest::newRow("unicode name and text")
        << QByteArray("/\xC3\xBC") << QByteArray("\xC3\xA9v") << QByteArray(R"(["\u00fc"])")
        << qint64(-1) << QByteArray("2/\xC3\xBC,[\"\xC3\xA9v\",\"\xC3\xBC\"]");
    QTest::newRow("invalid UTF-8 in the name")
        << QByteArray("/") << QByteArray("a\xFF") << QByteArray("[]") << qint64(-1)
        << QByteArray("2[\"a\xEF\xBF\xBD\"]");
}

void TestSocketIoPacket::appendEventText()
{
    QFETCH(QByteArray, nsp);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, args);
    QFETCH(qint64, ackId);
    QFETCH(QByteArray, expectedText);
    const json arguments = json::parse(args.toStdString());
    const std::optional<std::uint64_t> id
        = ackId < 0 ? std::nullopt : std::optional<std::uint64_t>(std::uint64_t(ackId));

    std::string text = "prefix:";
    QVERIFY(ango::socketio::appendEventText(text, nsp.toStdString(), name.toStdString(), arguments,
                                            id));
    QCOMPARE(QByteArray::fromStdString(text), QByteArray("prefix:") + expectedText);

    json array = json::array({json(name.toStdString())});
    if (arguments.is_array())
        for (const auto &a : arguments)
            array.push_back(a);
    else
        array.push_back(arguments);
    const auto encoded = ango::socketio::encode(Packet::event(nsp.toStdString(), array, id));
    QCOMPARE(QByteArray::fromStdString(encoded.text), expectedText);
}

void TestSocketIoPacket::appendEventTextRefusesBinary()
{
    const json args = json::array({json{{"file", json::binary({1, 2, 3})}}});
    std::string text = "unchanged";
    QVERIFY(!ango::socketio::appendEventText(text, "/", "upload", args));
    QCOMPARE(text, std::string("unchanged"));
}

void TestSocketIoPacket::roundTrip_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("expected"); // the decoded packet

    QTest::newRow("event") << Packet::event("/", {"foo", 1, json::object()})
                           << QByteArray("EVENT / [\"foo\",1,{}]");
    QTest::newRow("event nsp id") << Packet::event("/admin", {"a"}, 99)
                                  << QByteArray("EVENT /admin #99 [\"a\"]");
    QTest::newRow("event id 0") << Packet::event("/", {"a"}, 0) << QByteArray("EVENT / #0 [\"a\"]");
    QTest::newRow("event id max") << Packet::event("/", {"a"}, UINT64_MAX)
                                  << QByteArray("EVENT / #18446744073709551615 [\"a\"]");
    QTest::newRow("numeric event") << Packet::event("/", {3.25}) << QByteArray("EVENT / [3.25]");
    QTest::newRow("ack") << Packet::ack("/x", 5, json::array()) << QByteArray("ACK /x #5 []");
    QTest::newRow("connect") << Packet::connect("/x", json{{"token", "t"}})
                             << QByteArray("CONNECT /x {\"token\":\"t\"}");
    QTest::newRow("connect no auth") << Packet::connect("/") << QByteArray("CONNECT /");
    QTest::newRow("disconnect") << Packet::disconnect("/x") << QByteArray("DISCONNECT /x");
    QTest::newRow("disconnect number")
        << Packet{PacketType::Disconnect, "/x", 4, json(7.5)} << QByteArray("DISCONNECT /x #4 7.5");
    QTest::newRow("disconnect object")
        << Packet{PacketType::Disconnect, "/", {}, json{{"message", "m"}}}
        << QByteArray("DISCONNECT / {\"message\":\"m\"}");
    QTest::newRow("connect_error string")
        << Packet{PacketType::ConnectError, "/n", {}, json("nope")}
        << QByteArray("CONNECT_ERROR /n \"nope\"");
    QTest::newRow("unicode") << Packet::event("/", {"\xF0\x9F\x98\x80", std::string("\0"sv)})
                             << QByteArray("EVENT / [\"\xF0\x9F\x98\x80\",\"\\u0000\"]");
    QTest::newRow("binary event") << Packet::event("/b", {"x", binary("\x00\x01"sv)}, 4)
                                  << QByteArray("EVENT /b #4 [\"x\",<bin 0001>]");
    QTest::newRow("binary ack nested")
        << Packet::ack("/", 0, {json{{"k", json::array({binary("a"), binary("b")})}}, binary("c")})
        << QByteArray("ACK / #0 [{\"k\":[<bin 61>,<bin 62>]},<bin 63>]");
    QTest::newRow("binary type normalised")
        << Packet{PacketType::BinaryEvent, "/", {}, json{"x", binary("y")}}
        << QByteArray("EVENT / [\"x\",<bin 79>]");
    {
        json args = {"ten"};
        QByteArray expected = "EVENT / [\"ten\"";
        for (int i = 0; i < 10; ++i) {
            args.push_back(binary(std::string(1, char('0' + i))));
            expected += ",<bin " + QByteArray::number(0x30 + i, 16) + ">";
        }
        QTest::newRow("10 attachments") << Packet::event("/", args) << expected + "]";
    }
}

void TestSocketIoPacket::roundTrip()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, expected);
    const auto encoded = ango::socketio::encode(packet);
    ango::socketio::Decoder decoder;
    auto result = decoder.addText(encoded.text);
    for (const auto &attachment : encoded.attachments) {
        QVERIFY(result);
        QVERIFY(!result->has_value());
        result = decoder.addBinary(attachment);
    }
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QVERIFY(result->has_value());
    QCOMPARE(describe(**result), expected);
}

void TestSocketIoPacket::wireExamples_data()
{
    // Exact Engine.IO frames of socketio.md §2.1; "…" filled in.
    QTest::addColumn<QList<Frame>>("frames");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("40") << QList<Frame>{text("40")} << QByteArray("CONNECT /");
    QTest::newRow("40/admin,") << QList<Frame>{text("40/admin,")} << QByteArray("CONNECT /admin");
    QTest::newRow("40{token}") << QList<Frame>{text(R"(40{"token":"123"})")}
                               << QByteArray(R"(CONNECT / {"token":"123"})");
    QTest::newRow("40{sid}") << QList<Frame>{text(R"(40{"sid":"wZX3oN0bSVIhsaknAAAI"})")}
                             << QByteArray(R"(CONNECT / {"sid":"wZX3oN0bSVIhsaknAAAI"})");
    QTest::newRow("44{message}") << QList<Frame>{text(R"(44{"message":"Not authorized"})")}
                                 << QByteArray(R"(CONNECT_ERROR / {"message":"Not authorized"})");
    QTest::newRow("42[foo]") << QList<Frame>{text(R"(42["foo"])")}
                             << QByteArray(R"(EVENT / ["foo"])");
    QTest::newRow("42/admin,[bar]")
        << QList<Frame>{text(R"(42/admin,["bar"])")} << QByteArray(R"(EVENT /admin ["bar"])");
    QTest::newRow("4212[foo]") << QList<Frame>{text(R"(4212["foo"])")}
                               << QByteArray(R"(EVENT / #12 ["foo"])");
    QTest::newRow("43/admin,13[bar]")
        << QList<Frame>{text(R"(43/admin,13["bar"])")} << QByteArray(R"(ACK /admin #13 ["bar"])");
    QTest::newRow("451-") << QList<Frame>{text("451-[\"baz\"," + placeholder(0) + "]"),
                                          bin("\x01\x02")}
                          << QByteArray("EVENT / [\"baz\",<bin 0102>]");
    QTest::newRow("452-/admin,") << QList<Frame>{
        text("452-/admin,[\"x\"," + placeholder(0) + "," + placeholder(1) + "]"), bin("a"),
        bin("b")} << QByteArray("EVENT /admin [\"x\",<bin 61>,<bin 62>]");
    QTest::newRow("461-15") << QList<Frame>{text("461-15[\"bar\"," + placeholder(0) + "]"),
                                            bin("c")}
                            << QByteArray("ACK / #15 [\"bar\",<bin 63>]");
    QTest::newRow("41") << QList<Frame>{text("41")} << QByteArray("DISCONNECT /");
    QTest::newRow("41/admin,") << QList<Frame>{text("41/admin,")}
                               << QByteArray("DISCONNECT /admin");
    QTest::newRow("420[x] ack id 0")
        << QList<Frame>{text(R"(420["x"])")} << QByteArray(R"(EVENT / #0 ["x"])");
    QTest::newRow("4317 echo reply")
        << QList<Frame>{text(R"(4317["hi",{"n":1}])")} << QByteArray(R"(ACK / #17 ["hi",{"n":1}])");
}

// Engine.IO frame → Socket.IO packet → the expected fields, and encoding that packet again
// gives back exactly the same frames.
void TestSocketIoPacket::wireExamples()
{
    QFETCH(QList<Frame>, frames);
    QFETCH(QByteArray, expected);
    ango::socketio::Decoder decoder;
    std::optional<Packet> packet;
    for (const Frame &frame : frames) {
        QVERIFY(!packet);
        ango::Result<std::optional<Packet>> result = std::optional<Packet>();
        if (frame.binary) {
            result = decoder.addBinary(view(frame.bytes));
        } else {
            const auto eio = ango::engineio::decodeTextView(view(frame.bytes));
            QVERIFY(eio);
            QVERIFY(eio->type == ango::engineio::PacketType::Message);
            result = decoder.addText(eio->data);
        }
        QVERIFY2(result, result ? "" : qPrintable(result.error().message));
        packet = std::move(*result);
    }
    QVERIFY(packet);
    QCOMPARE(describe(*packet), expected);

    const auto encoded = ango::socketio::encode(*packet);
    QList<Frame> reencoded{text(QByteArray::fromStdString(
        ango::engineio::encodeText(ango::engineio::PacketType::Message, encoded.text)))};
    for (const auto &attachment : encoded.attachments)
        reencoded.append(bin(QByteArray::fromStdString(attachment)));
    QCOMPARE(reencoded.size(), frames.size());
    for (qsizetype i = 0; i < frames.size(); ++i) {
        QCOMPARE(reencoded[i].binary, frames[i].binary);
        QCOMPARE(reencoded[i].bytes, frames[i].bytes);
    }
}

void TestSocketIoPacket::parseJson_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected"); // dumpJson of the result, or the error

    QTest::newRow("object") << QByteArray(R"({"b":1,"a":[true,null]})")
                            << QByteArray(R"({"a":[true,null],"b":1})");
    QTest::newRow("scalar") << QByteArray("42") << QByteArray("42");
    QTest::newRow("string") << QByteArray(R"("x")") << QByteArray(R"("x")");
    QTest::newRow("python escapes") << QByteArray(R"("\u00e9\u20ac\ud83d\ude00")")
                                    << QByteArray("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    QTest::newRow("lone high") << QByteArray(R"("\ud800")") << "\"" + kReplacement + "\"";
    QTest::newRow("lone low") << QByteArray(R"("\udfff")") << "\"" + kReplacement + "\"";
    QTest::newRow("two lone highs")
        << QByteArray(R"(["\udbff\udbff"])") << "[\"" + kReplacement + kReplacement + "\"]";
    QTest::newRow("pair after lone")
        << QByteArray(R"("\udc00\ud83d\ude00x")") << "\"" + kReplacement + "\xF0\x9F\x98\x80x\"";
    QTest::newRow("lone then invalid json")
        << QByteArray(R"(["\ud800",])")
        << QByteArray("error: invalid JSON at byte 11: syntax error while parsing "
                      "value - unexpected ']'; expected '[', '{', or a literal");
    QTest::newRow("escaped NUL") << QByteArray(R"("\u0000")") << QByteArray(R"("\u0000")");
    QTest::newRow("empty")
        << QByteArray()
        << QByteArray("error: invalid JSON at byte 1: syntax error while parsing value - "
                      "unexpected end of input; expected '[', '{', or a literal");
    QTest::newRow("garbage")
        << QByteArray("nope")
        << QByteArray("error: invalid JSON at byte 2: syntax error while parsing value - "
                      "invalid literal");
    QTest::newRow("too deep") << nested(513)
                              << QByteArray("error: JSON is nested deeper than 512 levels");
    QTest::newRow("deep enough") << nested(512) << nested(512);
}

void TestSocketIoPacket::parseJson()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const auto value = ango::socketio::parseJson(view(input));
    const QByteArray actual = value ? QByteArray::fromStdString(ango::socketio::dumpJson(*value))
                                    : errorText(value.error());
    QCOMPARE(actual, expected);
}

// parseJson() has its own parser for the JSON our wire carries and leaves the rest to
// nlohmann's: either way the value (with its integer types) or the error must be nlohmann's.
void TestSocketIoPacket::parseJsonAsNlohmann_data()
{
    QTest::addColumn<QByteArray>("input");

    const QByteArray plugin = R"({"projectId":"proj","categorySchema":[{"schemaId":"schema-1",)"
                              R"("modelClass":"car"}],"assetId":"asset","apiKey":"k","orgId":)"
                              R"("org","runBy":"user","configJSON":"","session":"run-1"})";
    QTest::newRow("plugin payload") << plugin;
    QTest::newRow("event array") << QByteArray(R"(["plugin",)" + plugin + "]");
    QTest::newRow("whitespace everywhere")
        << QByteArray(" \t\r\n{ \"a\" :\n[ 1 , 2 ] , \"b\":{} } \n");
    QTest::newRow("empty containers") << QByteArray(R"([[],{},[{}],""])");
    QTest::newRow("repeated key, last wins") << QByteArray(R"({"a":1,"a":"two","b":0,"a":[3]})");
    QTest::newRow("literals") << QByteArray("[true,false,null]");
    QTest::newRow("short escapes") << QByteArray(R"("q\"b\\s\/b\bf\fn\nr\rt\t")");
    QTest::newRow("DEL") << QByteArray("\"a\x7f\"");
    QTest::newRow("integers") << QByteArray("[0,-0,7,-7,9223372036854775807,-9223372036854775808]");
    QTest::newRow("largest unsigned") << QByteArray("18446744073709551615");
    QTest::newRow("unsigned overflow is a float") << QByteArray("18446744073709551616");
    QTest::newRow("signed overflow is a float") << QByteArray("-9223372036854775809");
    QTest::newRow("fraction") << QByteArray("[1.5,-0.0,0.1]");
    QTest::newRow("exponent") << QByteArray("[1e3,1E-3,2e+2,-1e400]");
    QTest::newRow("UTF-8") << QByteArray("{\"k\xC3\xA9\":\"\xE2\x82\xAC\"}");
    QTest::newRow("\\u escapes") << QByteArray(R"(["\u0041","\u00e9","\ud83d\ude00"])");
    QTest::newRow("leading zero") << QByteArray("01");
    QTest::newRow("minus alone") << QByteArray("[-]");
    QTest::newRow("plus sign") << QByteArray("+1");
    QTest::newRow("trailing comma in array") << QByteArray("[1,]");
    QTest::newRow("trailing comma in object") << QByteArray(R"({"a":1,})");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("key not a string") << QByteArray("{1:2}");
    QTest::newRow("unterminated string") << QByteArray(R"(["abc)");
    QTest::newRow("unterminated array") << QByteArray("[1,2");
    QTest::newRow("control character in string") << QByteArray("\"a\tb\"");
    QTest::newRow("invalid escape") << QByteArray(R"("\x41")");
    QTest::newRow("invalid UTF-8") << QByteArray("\"\xFF\"");
    QTest::newRow("trailing garbage") << QByteArray("{} x");
    QTest::newRow("two values") << QByteArray("1 2");
    QTest::newRow("truncated literal") << QByteArray("[tru]");
    QTest::newRow("only whitespace") << QByteArray(" ");
    QTest::newRow("deep enough") << nested(512);
}

void TestSocketIoPacket::parseJsonAsNlohmann()
{
    QFETCH(QByteArray, input);
    const auto ours = ango::socketio::parseJson(view(input));
    const json theirs = json::parse(input.constData(), input.constData() + input.size(), nullptr,
                                    /*allow_exceptions=*/false);
    if (theirs.is_discarded()) {
        QVERIFY2(!ours, ours ? ours->dump().c_str() : "");
        QVERIFY(errorText(ours.error()).startsWith("error: invalid JSON"));
        return;
    }
    QVERIFY2(ours, ours ? "" : errorText(ours.error()).constData());
    QVERIFY2(sameJson(*ours, theirs),
             qPrintable(QString::fromStdString(ours->dump() + " vs " + theirs.dump())));
}

void TestSocketIoPacket::dumpJson_data()
{
    QTest::addColumn<QByteArray>("utf8"); // a JSON string's content, any bytes
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("ascii") << QByteArray("abc") << QByteArray(R"("abc")");
    QTest::newRow("raw UTF-8 not escaped")
        << QByteArray("\xC3\xA9\xF0\x9F\x98\x80") << QByteArray("\"\xC3\xA9\xF0\x9F\x98\x80\"");
    QTest::newRow("invalid byte") << QByteArray("a\xff") << "\"a" + kReplacement + "\"";
    QTest::newRow("truncated sequence") << QByteArray("\xF0\x9F\x98") << "\"" + kReplacement + "\"";
    QTest::newRow("encoded surrogate (CESU)")
        << QByteArray("\xED\xA0\x80") << "\"" + kReplacement + kReplacement + kReplacement + "\"";
    QTest::newRow("overlong") << QByteArray("\xC0\xAF")
                              << "\"" + kReplacement + kReplacement + "\"";
    QTest::newRow("NUL and controls") << raw("\0\x01\t\""sv) << QByteArray(R"("\u0000\u0001\t\"")");
}

void TestSocketIoPacket::dumpJson()
{
    QFETCH(QByteArray, utf8);
    QFETCH(QByteArray, expected);
    const json value = utf8.toStdString();
    QCOMPARE(QByteArray::fromStdString(ango::socketio::dumpJson(value)), expected);
    // Nested too, in keys and values.
    const json object = {{utf8.toStdString(), json::array({value})}};
    QCOMPARE(QByteArray::fromStdString(ango::socketio::dumpJson(object)),
             "{" + expected + ":[" + expected + "]}");
}

// dumpJson() has its own walk for what our wire carries and calls nlohmann's serializer for the
// rest: the bytes must be the serializer's in every case.
void TestSocketIoPacket::dumpJsonMatchesSerializer_data()
{
    QTest::addColumn<json>("value");

    std::string everyAscii;
    for (int c = 1; c < 0x80; ++c)
        everyAscii.push_back(char(c));
    QTest::newRow("every ASCII byte") << json(everyAscii);
    QTest::newRow("every ASCII byte as a key") << json{{everyAscii, 1}};
    QTest::newRow("NUL inside") << json(std::string("a\0b", 3));
    QTest::newRow("escapes then UTF-8") << json("tab\there \xC3\xA9");
    QTest::newRow("invalid UTF-8 after an escape") << json("q\"\xFF");
    QTest::newRow("non-ASCII key") << json{{"\xC3\xBC", "v"}, {"\xFF", 2}};
    QTest::newRow("empty containers") << json{{"a", json::array()}, {"o", json::object()}};
    QTest::newRow("scalars") << json::array(
        {nullptr, true, false, 0, -1, INT64_MIN, UINT64_MAX, 1.5, 0.1, -0.0, 1e300, 3.0, ""});
    QTest::newRow("not finite") << json::array({std::nan(""), INFINITY});
    QTest::newRow("binary") << json{{"b", json::binary({1, 2, 255})}};
    QTest::newRow("plugin response")
        << json::parse(R"({"response":{"objects":[{"bounding-box":{"x":20,"y":30,"width":50,)"
                       R"("height":60},"schemaId":"schema-1"}],"classifications":[],)"
                       R"("relations":[]},"session":"run-17"})");
    json deep = 1;
    for (int i = 0; i < 200; ++i)
        deep = (i % 2) ? json::array({deep}) : json{{"k", deep}};
    QTest::newRow("deep") << deep;
}

void TestSocketIoPacket::dumpJsonMatchesSerializer()
{
    QFETCH(json, value);
    QCOMPARE(QByteArray::fromStdString(ango::socketio::dumpJson(value)),
             QByteArray::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace)));
}

void TestSocketIoPacket::factories()
{
    const auto event = Packet::event("/a", {"e", 1}, 3);
    QCOMPARE(describe(event), QByteArray("EVENT /a #3 [\"e\",1]"));
    const auto ack = Packet::ack("/", 0, json::array());
    QCOMPARE(describe(ack), QByteArray("ACK / #0 []"));
    const auto connect = Packet::connect("/p", json{{"k", 1}});
    QCOMPARE(describe(connect), QByteArray("CONNECT /p {\"k\":1}"));
    QCOMPARE(describe(Packet::connect("/")), QByteArray("CONNECT /"));
    QCOMPARE(describe(Packet::disconnect("/d")), QByteArray("DISCONNECT /d"));
    QCOMPARE(describe(Packet{}), QByteArray("EVENT /"));
}

// The pending placeholders are found again after the decoder is moved mid-packet.
void TestSocketIoPacket::decoderMovedWhilePending()
{
    ango::socketio::Decoder first;
    const QByteArray header = "62-/m,4[" + placeholder(1) + ",{\"k\":[" + placeholder(0) + "]}]";
    auto result = first.addText(view(header));
    QVERIFY(result && !result->has_value());
    ango::socketio::Decoder second(std::move(first));
    result = second.addBinary("x");
    QVERIFY(result && !result->has_value());
    ango::socketio::Decoder third;
    third = std::move(second);
    result = third.addBinary("y");
    QVERIFY(result && result->has_value());
    QCOMPARE(describe(**result), QByteArray("ACK /m #4 [<bin 79>,{\"k\":[<bin 78>]}]"));
    QVERIFY(!third.awaitingAttachments());
}

QTEST_APPLESS_MAIN(TestSocketIoPacket)
#include "tst_socketiopacket.moc"
