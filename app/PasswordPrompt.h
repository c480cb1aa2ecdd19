#pragma once

#include <QCoreApplication>
#include <QString>

namespace Switchyard {

/// Reads a password from standard input for --set-password. From a terminal it
/// prompts on standard error and reads without echo, twice to catch typos; from
/// a pipe or a file it takes the first line. The terminal is put back as it was
/// even when the read is interrupted (Ctrl-C, SIGTERM, SIGHUP).
class PasswordPrompt
{
    Q_DECLARE_TR_FUNCTIONS(PasswordPrompt)
public:
    /// Returns false, with *error saying why, when no password could be read.
    static bool read(const QString& prompt, QString* password, QString* error);

    /// Longest password accepted, in bytes.
    static constexpr int maxBytes = 4096;

private:
    static bool readFromTerminal(const QString& prompt, QString* password, QString* error);
    /// One line from standard input without its line ending.
    static bool readLine(QByteArray* line, QString* error);
};

} // namespace Switchyard
