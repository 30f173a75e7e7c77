#pragma once

#include <QTest>

#include <nlohmann/json.hpp>

// QCOMPARE for JSON values, printing both sides on failure.
#define JSON_COMPARE(actual, expected)                                                             \
    do {                                                                                           \
        const nlohmann::json a_ = (actual);                                                        \
        const nlohmann::json e_ = (expected);                                                      \
        QVERIFY2(a_ == e_, qPrintable(QStringLiteral("%1\n   != %2")                               \
                                          .arg(QString::fromStdString(a_.dump()),                  \
                                               QString::fromStdString(e_.dump()))));               \
    } while (false)
