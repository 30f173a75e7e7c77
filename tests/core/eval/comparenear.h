#pragma once
// Metrics are compared to hand-computed fractions (e.g. 50/101) to the last bits that matter.
#include <QString>
#include <QTest>

#include <cmath>

namespace ango::test {

inline bool near(double actual, double expected)
{
    return std::abs(actual - expected) < 1e-12;
}

} // namespace ango::test

#define COMPARE_NEAR(actual, expected)                                                             \
    QVERIFY2(                                                                                      \
        ango::test::near((actual), (expected)),                                                    \
        qPrintable(QStringLiteral("%1 != %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17)))
