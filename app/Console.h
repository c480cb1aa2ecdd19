#pragma once

#include <QString>

namespace Switchyard::Console {

/// Writes "switchyard: <message>" and a newline to standard error, at once.
void printError(const QString& message);
/// Writes a line to standard error, at once (status lines such as the listen address).
void printStatus(const QString& line);
/// Writes a line to standard output (--help, --version).
void printOutput(const QString& line);

} // namespace Switchyard::Console
