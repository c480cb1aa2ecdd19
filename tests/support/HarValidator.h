#pragma once

#include <QString>

/// Runs tests/scripts/validate-har.js (the npm har-validator package plus the
/// HAR 1.2 rules the schema leaves out) on a file. Needs node on PATH and the
/// package installed: npm ci --prefix tests/scripts.
class HarValidator
{
public:
    struct Result
    {
        bool ran = false;   ///< node and har-validator were there and the file was read
        bool valid = false; ///< the file passed
        QString output;     ///< what the script printed, or why it could not run
    };

    static QString scriptPath();
    static Result validate(const QString& harPath);
};
