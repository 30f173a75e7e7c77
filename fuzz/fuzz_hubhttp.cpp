// The local hub's HTTP front as a stranger sees it: request heads (pipelined, with bodies framed
// by Content-Length) and the escaping of what reaches the log. Never crash; every limit holds;
// a refusal carries one of the statuses the front answers with; escaped text has no control
// characters.
#include "fuzzcheck.h"
#include "hub/httpparser.h"
#include "hub/printable.h"

#include <QString>

#include <cstddef>
#include <cstdint>

using namespace ango::hub;

namespace {

bool isRefusalStatus(int status)
{
    return status == 400 || status == 413 || status == 431 || status == 501 || status == 505;
}

void checkPrintable(const QString &text)
{
    const QString shown = printable(text);
    FUZZ_CHECK(shown.size() >= text.size());
    for (const QChar c : shown)
        FUZZ_CHECK(c.unicode() >= 0x20 && c.unicode() != 0x7f
                   && !(c.unicode() >= 0x80 && c.unicode() < 0xa0));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QByteArrayView stream(reinterpret_cast<const char *>(data), qsizetype(size));
    HttpLimits limits;
    limits.maxHeadBytes = 1024;
    limits.maxHeaderFields = 16;
    limits.maxBodyBytes = 512;
    // Requests one after another on one connection, as the front reads them.
    for (int request = 0; request < 8 && !stream.isEmpty(); ++request) {
        const qsizetype end = findHeadEnd(stream, limits.maxHeadBytes);
        FUZZ_CHECK(end >= -1 && end <= limits.maxHeadBytes);
        if (end <= 0)
            break;
        const auto head = parseRequestHead(stream.first(end), limits);
        if (!head) {
            FUZZ_CHECK(isRefusalStatus(head.error().status));
            FUZZ_CHECK(!head.error().message.isEmpty());
            checkPrintable(head.error().message);
            break;
        }
        FUZZ_CHECK(head->contentLength >= 0 && head->contentLength <= limits.maxBodyBytes);
        FUZZ_CHECK(head->headers.size() <= limits.maxHeaderFields);
        FUZZ_CHECK(head->target.startsWith('/'));
        FUZZ_CHECK(!head->method.isEmpty() && !head->method.contains(' '));
        for (const auto &[name, value] : head->headers) {
            FUZZ_CHECK(!name.isEmpty() && !name.contains('\r') && !name.contains('\n'));
            FUZZ_CHECK(!value.contains('\r') && !value.contains('\n') && !value.contains('\0'));
        }
        FUZZ_CHECK(head->header("Transfer-Encoding").isEmpty());
        checkPrintable(QString::fromUtf8(head->target));
        stream = stream.sliced(end);
        stream = stream.sliced(std::min(stream.size(), qsizetype(head->contentLength)));
    }
    checkPrintable(QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size)));
    return 0;
}
