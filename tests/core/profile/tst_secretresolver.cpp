#include "profile/secretresolver.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ango::profile;
using namespace Qt::StringLiterals;

namespace {

const QString kSecret = u"s3cr3t-Value-9981"_s;

SecretReference environmentReference(const QString &name)
{
    return {SecretReference::Kind::Environment, name};
}

SecretReference fileReference(const QString &path)
{
    return {SecretReference::Kind::File, path};
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(content) == content.size();
}

QString errorOf(const ango::Result<QString> &result)
{
    return result.ok() ? QString() : result.error().message;
}

} // namespace

class TstSecretResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void readsAnEnvironmentVariable();
    void namesAMissingOrEmptyVariable();
    void readsAFileWithoutItsFinalNewline();
    void expandsVariablesInFilePaths();
    void refusesUnusableFiles_data();
    void refusesUnusableFiles();
    void leavesKeychainReferencesToTheGui();
    void resolvesTheProfilesReference();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TstSecretResolver::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TstSecretResolver::readsAnEnvironmentVariable()
{
    QProcessEnvironment environment;
    environment.insert(u"ANGO_PLUGIN_SECRET"_s, kSecret + u"\n"_s);
    const auto secret = resolveSecret(environmentReference(u"ANGO_PLUGIN_SECRET"_s), environment);
    QVERIFY2(secret.ok(), qPrintable(errorOf(secret)));
    QCOMPARE(*secret, kSecret);
}

void TstSecretResolver::namesAMissingOrEmptyVariable()
{
    QProcessEnvironment environment;
    const auto missing = resolveSecret(environmentReference(u"MY_SECRET"_s), environment);
    QCOMPARE(errorOf(missing),
             u"profile.secret.env: the environment variable MY_SECRET is not set"_s);
    environment.insert(u"MY_SECRET"_s, u"  "_s);
    const auto empty = resolveSecret(environmentReference(u"MY_SECRET"_s), environment);
    QCOMPARE(errorOf(empty), u"profile.secret.env: the environment variable MY_SECRET is empty"_s);
}

void TstSecretResolver::readsAFileWithoutItsFinalNewline()
{
    const QString path = m_dir->filePath(u"plugin-secret"_s);
    QVERIFY(writeFile(path, kSecret.toUtf8() + "\n"));
    const auto secret = resolveSecret(fileReference(path), QProcessEnvironment());
    QVERIFY2(secret.ok(), qPrintable(errorOf(secret)));
    QCOMPARE(*secret, kSecret);
}

// systemd's LoadCredential= puts the file under $CREDENTIALS_DIRECTORY, known only at run time.
void TstSecretResolver::expandsVariablesInFilePaths()
{
    QVERIFY(QDir(m_dir->path()).mkpath(u"credentials"_s));
    QVERIFY(writeFile(m_dir->filePath(u"credentials/plugin-secret"_s), kSecret.toUtf8()));
    QProcessEnvironment environment;
    environment.insert(u"CREDENTIALS_DIRECTORY"_s, m_dir->filePath(u"credentials"_s));
    const auto secret
        = resolveSecret(fileReference(u"${CREDENTIALS_DIRECTORY}/plugin-secret"_s), environment);
    QVERIFY2(secret.ok(), qPrintable(errorOf(secret)));
    QCOMPARE(*secret, kSecret);

    const auto unset = resolveSecret(fileReference(u"${CREDENTIALS_DIRECTORY}/plugin-secret"_s),
                                     QProcessEnvironment());
    QCOMPARE(errorOf(unset),
             u"profile.secret.file: \"${CREDENTIALS_DIRECTORY}/plugin-secret\" uses "
             u"${CREDENTIALS_DIRECTORY}, which is not set"_s);
}

void TstSecretResolver::refusesUnusableFiles_data()
{
    QTest::addColumn<QString>(
        "relativePath"); // under the temporary folder; absolute if it starts with '/'
    QTest::addColumn<QByteArray>("content"); // null: do not create
    QTest::addColumn<QString>("expectedEnd");
    QTest::newRow("missing") << u"nothing-here"_s << QByteArray()
                             << u"nothing-here does not exist"_s;
    QTest::newRow("empty") << u"empty"_s << QByteArray("\n\n") << u"empty is empty"_s;
    QTest::newRow("folder") << u"folder"_s << QByteArray() << u"folder is not a regular file"_s;
    QTest::newRow("device") << u"/dev/zero"_s << QByteArray()
                            << u"/dev/zero is not a regular file"_s;
    QTest::newRow("too large") << u"large"_s
                               << (kSecret.toUtf8() + QByteArray(kMaxSecretFileBytes, 'x'))
                               << u"large is larger than 65536 bytes: not a secret"_s;
}

void TstSecretResolver::refusesUnusableFiles()
{
    QFETCH(QString, relativePath);
    QFETCH(QByteArray, content);
    QFETCH(QString, expectedEnd);
    const QString path
        = relativePath.startsWith(QLatin1Char('/')) ? relativePath : m_dir->filePath(relativePath);
    if (relativePath == u"folder"_s)
        QVERIFY(QDir().mkpath(path));
    else if (!content.isNull())
        QVERIFY(writeFile(path, content));
    const auto secret = resolveSecret(fileReference(path), QProcessEnvironment());
    const QString error = errorOf(secret);
    QVERIFY2(error.startsWith(u"profile.secret.file: "_s) && error.endsWith(expectedEnd),
             qPrintable(error));
    QVERIFY(!error.contains(kSecret));
}

void TstSecretResolver::leavesKeychainReferencesToTheGui()
{
    const auto secret = resolveSecret(
        {SecretReference::Kind::Keychain, u"plugin-secret/production"_s}, QProcessEnvironment());
    QCOMPARE(errorOf(secret),
             u"profile.secret.keychain: the secret is in the keychain entry "
             u"\"plugin-secret/production\", which only the console's GUI reads; a "
             u"headless run needs {\"env\": \"VAR\"} or {\"file\": \"/path\"}"_s);
}

void TstSecretResolver::resolvesTheProfilesReference()
{
    Profile profile;
    profile.secret = environmentReference(u"RUNNER_SECRET"_s);
    QProcessEnvironment environment;
    environment.insert(u"RUNNER_SECRET"_s, kSecret);
    const auto secret = resolveSecret(profile, environment);
    QVERIFY2(secret.ok(), qPrintable(errorOf(secret)));
    QCOMPARE(*secret, kSecret);
}

QTEST_GUILESS_MAIN(TstSecretResolver)
#include "tst_secretresolver.moc"
