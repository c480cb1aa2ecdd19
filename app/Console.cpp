#include "Console.h"

#include <cstdio>

namespace Switchyard::Console {

namespace {

void writeLine(FILE* stream, const QString& line)
{
    const QByteArray bytes = line.toLocal8Bit() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

void printError(const QString& message)
{
    writeLine(stderr, QStringLiteral("switchyard: ") + message);
}

void printStatus(const QString& line)
{
    writeLine(stderr, line);
}

void printOutput(const QString& line)
{
    writeLine(stdout, line);
}

} // namespace Switchyard::Console
