// Engine.IO v4 text frames and the OPEN handshake as Node and python-engineio send them.
#undef QT_USE_QSTRINGBUILDER // rows are built with '+', which must give plain QByteArrays

#include "socketio/engineiopacket.h"

#include <QTest>

#include <string_view>

using namespace std::string_view_literals;
using ango::engineio::PacketType;

namespace {

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

QByteArray raw(std::string_view bytes)
{
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QByteArray errorText(const ango::Error &error)
{
    return "error: " + error.message.toUtf8();
}

} // namespace

class TestEngineIoPacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeText_data();
    void decodeText();
    void encodeText_data();
    void encodeText();
    void parseHandshake_data();
    void parseHandshake();
};

void TestEngineIoPacket::decodeText_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QByteArray>("expected"); // "<type char>|<data>" or "error: …"

    QTest::newRow("open") << QByteArray(R"(0{"sid":"a"})") << QByteArray(R"(0|{"sid":"a"})");
    QTest::newRow("close") << QByteArray("1") << QByteArray("1|");
    QTest::newRow("ping") << QByteArray("2") << QByteArray("2|");
    QTest::newRow("ping probe") << QByteArray("2probe") << QByteArray("2|probe");
    QTest::newRow("pong") << QByteArray("3") << QByteArray("3|");
    QTest::newRow("message") << QByteArray(R"(42["foo"])") << QByteArray(R"(4|2["foo"])");
    QTest::newRow("message empty") << QByteArray("4") << QByteArray("4|");
    QTest::newRow("upgrade") << QByteArray("5") << QByteArray("5|");
    QTest::newRow("noop") << QByteArray("6") << QByteArray("6|");
    QTest::newRow("message UTF-8")
        << QByteArray("4\xC3\xA9\xF0\x9F\x98\x80") << QByteArray("4|\xC3\xA9\xF0\x9F\x98\x80");
    QTest::newRow("message NUL") << raw("4a\0b"sv) << raw("4|a\0b"sv);
    QTest::newRow("empty") << QByteArray() << QByteArray("error: empty Engine.IO packet");
    QTest::newRow("type 7") << QByteArray("7")
                            << QByteArray("error: unknown Engine.IO packet type '7'");
    QTest::newRow("type letters") << QByteArray("abc")
                                  << QByteArray("error: unknown Engine.IO packet type 'a'");
    QTest::newRow("type slash") << QByteArray("/")
                                << QByteArray("error: unknown Engine.IO packet type '/'");
    QTest::newRow("type NUL") << raw("\0"sv)
                              << QByteArray("error: unknown Engine.IO packet type 0x00");
    QTest::newRow("type high byte")
        << QByteArray("\xC3\xA9") << QByteArray("error: unknown Engine.IO packet type 0xc3");
    QTest::newRow("EIO3 binary prefix")
        << QByteArray("b4AQID") << QByteArray("error: unknown Engine.IO packet type 'b'");
    QTest::newRow("leading space")
        << QByteArray(" 4") << QByteArray("error: unknown Engine.IO packet type ' '");
}

void TestEngineIoPacket::decodeText()
{
    QFETCH(QByteArray, frame);
    QFETCH(QByteArray, expected);
    const auto packet = ango::engineio::decodeText(view(frame));
    const auto packetView = ango::engineio::decodeTextView(view(frame));
    QCOMPARE(packet.ok(), packetView.ok());
    if (!packet) {
        QCOMPARE(errorText(packet.error()), expected);
        QCOMPARE(errorText(packetView.error()), expected);
        return;
    }
    QCOMPARE(QByteArray(1, static_cast<char>(packet->type)) + "|"
                 + QByteArray::fromStdString(packet->data),
             expected);
    QVERIFY(packetView->type == packet->type);
    QCOMPARE(raw(packetView->data), QByteArray::fromStdString(packet->data));
    // Encoding it again gives the frame back.
    QCOMPARE(QByteArray::fromStdString(ango::engineio::encodeText(packet->type, packet->data)),
             frame);
}

void TestEngineIoPacket::encodeText_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("pong") << int(PacketType::Pong) << QByteArray() << QByteArray("3");
    QTest::newRow("pong probe") << int(PacketType::Pong) << QByteArray("probe")
                                << QByteArray("3probe");
    QTest::newRow("message") << int(PacketType::Message) << QByteArray("0/admin,")
                             << QByteArray("40/admin,");
    QTest::newRow("close") << int(PacketType::Close) << QByteArray() << QByteArray("1");
    QTest::newRow("message with NUL")
        << int(PacketType::Message) << raw("2[\"\0\"]"sv) << raw("42[\"\0\"]"sv);
}

void TestEngineIoPacket::encodeText()
{
    QFETCH(int, type);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(
                 ango::engineio::encodeText(static_cast<PacketType>(type), view(data))),
             expected);
}

void TestEngineIoPacket::parseHandshake_data()
{
    QTest::addColumn<QByteArray>("json");
    // "sid|upgrades,…|interval|timeout|maxPayload or -" or "error: …"
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("node") << QByteArray(
        R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})")
                          << QByteArray("lv_VI97HAXpY6yYWAAAC||25000|20000|1000000");
    QTest::newRow("python 4.3 (other order, no maxPayload)")
        << QByteArray(R"({"sid":"3fd8a1","upgrades":[],"pingTimeout":20000,"pingInterval":25000})")
        << QByteArray("3fd8a1||25000|20000|-");
    QTest::newRow("test-suite timings")
        << QByteArray(R"({"pingInterval":300,"pingTimeout":200,"sid":"s","maxPayload":1e6})")
        << QByteArray("s||300|200|1000000");
    QTest::newRow("polling upgrades") << QByteArray(
        R"({"sid":"s","upgrades":["websocket","webtransport"],"pingInterval":1,"pingTimeout":2})")
                                      << QByteArray("s|websocket,webtransport|1|2|-");
    QTest::newRow("no upgrades key")
        << QByteArray(R"({"sid":"s","pingInterval":10,"pingTimeout":20})")
        << QByteArray("s||10|20|-");
    QTest::newRow("upgrades null")
        << QByteArray(R"({"sid":"s","upgrades":null,"pingInterval":10,"pingTimeout":20})")
        << QByteArray("s||10|20|-");
    QTest::newRow("extra keys ignored") << QByteArray(
        R"({"x":{"y":[1]},"sid":"s","pingInterval":10,"pingTimeout":20,"maxPayload":0})")
                                        << QByteArray("s||10|20|0");
    QTest::newRow("maxPayload null")
        << QByteArray(R"({"sid":"s","pingInterval":10,"pingTimeout":20,"maxPayload":null})")
        << QByteArray("s||10|20|-");
    QTest::newRow("integral floats")
        << QByteArray(R"({"sid":"s","pingInterval":25000.0,"pingTimeout":2e4})")
        << QByteArray("s||25000|20000|-");
    QTest::newRow("largest interval")
        << QByteArray(R"({"sid":"s","pingInterval":1073741824,"pingTimeout":1073741824})")
        << QByteArray("s||1073741824|1073741824|-");
    QTest::newRow("unicode sid") << QByteArray(
        R"({"sid":"\u00e9","pingInterval":1,"pingTimeout":1})")
                                 << QByteArray("\xC3\xA9||1|1|-");
    QTest::newRow("whitespace") << QByteArray(
        " {\n\"sid\" : \"s\", \"pingInterval\":1,\"pingTimeout\":1 }\n")
                                << QByteArray("s||1|1|-");

    QTest::newRow("missing sid") << QByteArray(R"({"pingInterval":1,"pingTimeout":1})")
                                 << QByteArray("error: OPEN packet has no sid");
    QTest::newRow("sid number") << QByteArray(R"({"sid":5,"pingInterval":1,"pingTimeout":1})")
                                << QByteArray("error: OPEN packet's sid is not a string");
    QTest::newRow("sid null") << QByteArray(R"({"sid":null,"pingInterval":1,"pingTimeout":1})")
                              << QByteArray("error: OPEN packet's sid is not a string");
    QTest::newRow("sid empty") << QByteArray(R"({"sid":"","pingInterval":1,"pingTimeout":1})")
                               << QByteArray("error: OPEN packet's sid is empty");
    QTest::newRow("missing pingInterval") << QByteArray(R"({"sid":"s","pingTimeout":1})")
                                          << QByteArray("error: OPEN packet has no pingInterval");
    QTest::newRow("missing pingTimeout") << QByteArray(R"({"sid":"s","pingInterval":1})")
                                         << QByteArray("error: OPEN packet has no pingTimeout");
    QTest::newRow("pingInterval string")
        << QByteArray(R"({"sid":"s","pingInterval":"25000","pingTimeout":1})")
        << QByteArray("error: OPEN packet's pingInterval is not an integer");
    QTest::newRow("pingTimeout bool")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":true})")
        << QByteArray("error: OPEN packet's pingTimeout is not an integer");
    QTest::newRow("pingInterval fraction")
        << QByteArray(R"({"sid":"s","pingInterval":2.5,"pingTimeout":1})")
        << QByteArray("error: OPEN packet's pingInterval is not an integer");
    QTest::newRow("pingInterval zero")
        << QByteArray(R"({"sid":"s","pingInterval":0,"pingTimeout":1})")
        << QByteArray("error: OPEN packet's pingInterval must be positive");
    QTest::newRow("pingTimeout negative")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":-5})")
        << QByteArray("error: OPEN packet's pingTimeout must be positive");
    QTest::newRow("pingTimeout negative float")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":-5.0})")
        << QByteArray("error: OPEN packet's pingTimeout must be positive");
    QTest::newRow("pingInterval too large")
        << QByteArray(R"({"sid":"s","pingInterval":1073741825,"pingTimeout":1})")
        << QByteArray("error: OPEN packet's pingInterval is too large");
    QTest::newRow("pingTimeout uint64")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":18446744073709551615})")
        << QByteArray("error: OPEN packet's pingTimeout is too large");
    QTest::newRow("pingTimeout 1e300")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":1e300})")
        << QByteArray("error: OPEN packet's pingTimeout is too large");
    QTest::newRow("maxPayload negative")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":1,"maxPayload":-1})")
        << QByteArray("error: OPEN packet's maxPayload is negative");
    QTest::newRow("maxPayload fraction")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":1,"maxPayload":0.5})")
        << QByteArray("error: OPEN packet's maxPayload is not an integer");
    QTest::newRow("maxPayload string")
        << QByteArray(R"({"sid":"s","pingInterval":1,"pingTimeout":1,"maxPayload":"1e6"})")
        << QByteArray("error: OPEN packet's maxPayload is not an integer");
    QTest::newRow("maxPayload above int64")
        << QByteArray(
               R"({"sid":"s","pingInterval":1,"pingTimeout":1,"maxPayload":9223372036854775808})")
        << QByteArray("error: OPEN packet's maxPayload is too large");
    QTest::newRow("upgrades string")
        << QByteArray(R"({"sid":"s","upgrades":"websocket","pingInterval":1,"pingTimeout":1})")
        << QByteArray("error: OPEN packet's upgrades is not an array");
    QTest::newRow("upgrades with number")
        << QByteArray(R"({"sid":"s","upgrades":["websocket",1],"pingInterval":1,"pingTimeout":1})")
        << QByteArray("error: OPEN packet's upgrades contains a non-string");
    QTest::newRow("empty") << QByteArray()
                           << QByteArray("error: OPEN packet payload is not valid JSON");
    QTest::newRow("garbage") << QByteArray("sid=abc")
                             << QByteArray("error: OPEN packet payload is not valid JSON");
    QTest::newRow("truncated") << QByteArray(R"({"sid":"s","pingInterval":1)")
                               << QByteArray("error: OPEN packet payload is not valid JSON");
    QTest::newRow("array") << QByteArray(R"([{"sid":"s"}])")
                           << QByteArray("error: OPEN packet payload is not a JSON object");
    QTest::newRow("string") << QByteArray(R"("sid")")
                            << QByteArray("error: OPEN packet payload is not a JSON object");
    QTest::newRow("deeply nested") << QByteArray(200000, '[') + QByteArray(200000, ']')
                                   << QByteArray("error: OPEN packet payload is not a JSON object");
    QTest::newRow("deeply nested value")
        << R"({"sid":"s","pingInterval":1,"pingTimeout":1,"x":)" + QByteArray(200000, '[')
               + QByteArray(200000, ']') + "}"
        << QByteArray("s||1|1|-");
    QTest::newRow("invalid UTF-8")
        << QByteArray("{\"sid\":\"\xff\",\"pingInterval\":1,\"pingTimeout\":1}")
        << QByteArray("error: OPEN packet payload is not valid JSON");
}

void TestEngineIoPacket::parseHandshake()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    const auto handshake = ango::engineio::parseHandshake(view(json));
    if (!handshake) {
        QCOMPARE(errorText(handshake.error()), expected);
        return;
    }
    QByteArrayList upgrades;
    for (const auto &upgrade : handshake->upgrades)
        upgrades.append(QByteArray::fromStdString(upgrade));
    const QByteArray actual
        = QByteArray::fromStdString(handshake->sid) + "|" + upgrades.join(',') + "|"
          + QByteArray::number(handshake->pingInterval.count()) + "|"
          + QByteArray::number(handshake->pingTimeout.count()) + "|"
          + (handshake->maxPayload ? QByteArray::number(*handshake->maxPayload) : "-");
    QCOMPARE(actual, expected);
}

QTEST_APPLESS_MAIN(TestEngineIoPacket)
#include "tst_engineiopacket.moc"
