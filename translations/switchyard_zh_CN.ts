<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AtomicFileWriter</name>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>无法写入 %1：它是一个文件夹</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>cannot restrict the permissions of %1: %2</source>
        <translation>无法限制 %1 的权限：%2</translation>
    </message>
    <message>
        <source>cannot write %1: %2 (%3 of %4 bytes written)</source>
        <translation>无法写入 %1：%2（已写入 %4 字节中的 %3 字节）</translation>
    </message>
</context>
<context>
    <name>AutostartEntry</name>
    <message>
        <source>cannot change the Windows Run key %1</source>
        <translation>无法更改 Windows Run 注册表项 %1</translation>
    </message>
    <message>
        <source>starting at login through the Windows Run key works on Windows only</source>
        <translation>通过 Windows Run 注册表项实现登录时启动仅适用于 Windows</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
</context>
<context>
    <name>BodyDecoder</name>
    <message>
        <source>zlib could not start</source>
        <translation>zlib 无法启动</translation>
    </message>
    <message>
        <source>decoded body larger than %1 bytes</source>
        <translation>解码后的正文超过 %1 字节</translation>
    </message>
    <message>
        <source>no compressed data</source>
        <translation>没有压缩数据</translation>
    </message>
    <message>
        <source>compressed data ends early</source>
        <translation>压缩数据提前结束</translation>
    </message>
    <message>
        <source>compressed data is damaged after %1 bytes</source>
        <translation>压缩数据在 %1 字节之后损坏</translation>
    </message>
    <message>
        <source>not valid compressed data</source>
        <translation>不是有效的压缩数据</translation>
    </message>
    <message>
        <source>the %1 content coding is not decoded</source>
        <translation>不解码 %1 内容编码</translation>
    </message>
    <message>
        <source>brotli could not start</source>
        <translation>brotli 无法启动</translation>
    </message>
    <message>
        <source>not valid brotli data (%1)</source>
        <translation>不是有效的 brotli 数据（%1）</translation>
    </message>
</context>
<context>
    <name>BodyFormatter</name>
    <message>
        <source>Decoded from %1: %2 sent, %3 decoded</source>
        <translation>已从 %1 解码：发送 %2，解码后 %3</translation>
    </message>
    <message>
        <source>Decoded from %1 as far as it goes: %2</source>
        <translation>已从 %1 尽可能解码：%2</translation>
    </message>
    <message>
        <source>Shown as sent (%1)</source>
        <translation>按原样显示（%1）</translation>
    </message>
    <message>
        <source>Only the first %1 of the body were captured</source>
        <translation>仅捕获了正文的前 %1</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3</source>
        <translation>%1 × %2 像素，%3</translation>
    </message>
    <message>
        <source>Text cut after %1 characters</source>
        <translation>文本在 %1 个字符后截断</translation>
    </message>
    <message>
        <source>Binary, %1</source>
        <translation>二进制，%1</translation>
    </message>
    <message>
        <source>Hex dump of the first %1</source>
        <translation>前 %1 的十六进制转储</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Run without a window: proxy and log to the terminal until SIGINT or SIGTERM.</source>
        <translation>不显示窗口运行：代理并将日志输出到终端，直到收到 SIGINT 或 SIGTERM。</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt;: host:port, [IPv6]:port or port (default %1).</source>
        <translation>在 &lt;address&gt; 上监听：host:port、[IPv6]:port 或 port（默认 %1）。</translation>
    </message>
    <message>
        <source>address</source>
        <translation>address</translation>
    </message>
    <message>
        <source>Headless: append one line per finished request to &lt;file&gt; (default: standard error).</source>
        <translation>无窗口模式：每完成一个请求，向 &lt;file&gt; 追加一行（默认：标准错误输出）。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>Headless: record every finished exchange with its headers and bodies, and write them as HAR 1.2 to &lt;file&gt; when stopped by SIGINT or SIGTERM. Authorization, Proxy-Authorization, Cookie and Set-Cookie values are masked.</source>
        <translation>无窗口模式：记录每个已完成的请求及其标头和正文，并在因 SIGINT 或 SIGTERM 停止时以 HAR 1.2 格式写入 &lt;file&gt;。Authorization、Proxy-Authorization、Cookie 和 Set-Cookie 的值会被遮盖。</translation>
    </message>
    <message>
        <source>With --har: keep the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie in the file instead of masking them.</source>
        <translation>与 --har 一起使用：在文件中保留 Authorization、Proxy-Authorization、Cookie 和 Set-Cookie 的值，而不遮盖它们。</translation>
    </message>
    <message>
        <source>Add a Via header to forwarded requests.</source>
        <translation>向转发的请求添加 Via 标头。</translation>
    </message>
    <message>
        <source>Give up opening an outbound connection after &lt;ms&gt; milliseconds (default %1).</source>
        <translation>建立出站连接超过 &lt;ms&gt; 毫秒后放弃（默认 %1）。</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Serve at most &lt;n&gt; client connections at once (default %1).</source>
        <translation>最多同时服务 &lt;n&gt; 个客户端连接（默认 %1）。</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Send all traffic through the exit &lt;uri&gt;: http://, https://, socks5://, socks5h:// (names resolved by the exit) or socks4a://, with optional user:password@. Traffic never falls back to direct if the exit fails.</source>
        <translation>所有流量都经由出口 &lt;uri&gt; 发送：http://、https://、socks5://、socks5h://（由出口解析名称）或 socks4a://，可带 user:password@。出口失败时，流量绝不会回退为直连。</translation>
    </message>
    <message>
        <source>uri</source>
        <translation>uri</translation>
    </message>
    <message>
        <source>Fetch the --check-url through the exit &lt;uri&gt;, print the status and latency, and exit (0 when it works).</source>
        <translation>经由出口 &lt;uri&gt; 获取 --check-url，输出状态和延迟后退出（可用时返回 0）。</translation>
    </message>
    <message>
        <source>The URL --check-profile fetches (default %1).</source>
        <translation>--check-profile 获取的 URL（默认 %1）。</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Read the settings from &lt;file&gt; instead of %1. Headless runs read it and never write it; options given here override it for this run only.</source>
        <translation>从 &lt;file&gt; 而不是 %1 读取设置。无窗口运行会读取该文件但从不写入；此处给出的选项仅在本次运行中覆盖它。</translation>
    </message>
    <message>
        <source>Store the password of the exit &lt;profile&gt; (its id or name) in the system keychain, read without echo from the terminal or from standard input, and exit.</source>
        <translation>将出口 &lt;profile&gt;（其 id 或名称）的密码存入系统密钥环（从终端无回显读取或从标准输入读取），然后退出。</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>profile</translation>
    </message>
    <message>
        <source>Print which rule decides &lt;target&gt; (a URL, or host:port for tunnels) and where it goes, using the settings file and the options given, and exit.</source>
        <translation>使用设置文件和给出的选项，输出由哪条规则决定 &lt;target&gt;（URL，隧道则为 host:port）及其去向，然后退出。</translation>
    </message>
    <message>
        <source>target</source>
        <translation>target</translation>
    </message>
    <message>
        <source>Headless: point the desktop&apos;s proxy settings (GNOME, KDE, Windows, macOS) at Switchyard once it listens, and put them back exactly as they were on exit, SIGINT or SIGTERM.</source>
        <translation>无窗口模式：开始监听后将桌面的代理设置（GNOME、KDE、Windows、macOS）指向 Switchyard，并在退出、SIGINT 或 SIGTERM 时原样恢复。</translation>
    </message>
    <message>
        <source>Put back the desktop&apos;s proxy settings saved by a Switchyard that stopped while the system proxy pointed at it, and exit (0 restored, 2 nothing to restore, 1 failed).</source>
        <translation>恢复由某个 Switchyard 保存的桌面代理设置（该 Switchyard 在系统代理指向它时停止了），然后退出（0 已恢复，2 无需恢复，1 失败）。</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>显示此帮助并退出。</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>显示版本并退出。</translation>
    </message>
    <message>
        <source>Switchyard: a local HTTP proxy that shows every request passing through it.</source>
        <translation>Switchyard：显示每个经过它的请求的本地 HTTP 代理。</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>意外的参数“%1”</translation>
    </message>
    <message>
        <source>--config needs a file name</source>
        <translation>--config 需要一个文件名</translation>
    </message>
    <message>
        <source>--restore-system-proxy takes no option but --config (not --%1)</source>
        <translation>--restore-system-proxy 除 --config 外不接受其他选项（不接受 --%1）</translation>
    </message>
    <message>
        <source>--set-password needs the id or name of an exit</source>
        <translation>--set-password 需要出口的 id 或名称</translation>
    </message>
    <message>
        <source>--set-password takes no option but --config (not --%1)</source>
        <translation>--set-password 除 --config 外不接受其他选项（不接受 --%1）</translation>
    </message>
    <message>
        <source>--system-proxy is for headless runs (add --headless); the window has its own System proxy switch</source>
        <translation>--system-proxy 用于无窗口运行（请添加 --headless）；窗口中有自己的“系统代理”开关</translation>
    </message>
    <message>
        <source>--log needs a file name</source>
        <translation>--log 需要一个文件名</translation>
    </message>
    <message>
        <source>--har needs a file name</source>
        <translation>--har 需要一个文件名</translation>
    </message>
    <message>
        <source>--har records headless runs only: add --headless</source>
        <translation>--har 只记录无窗口运行：请添加 --headless</translation>
    </message>
    <message>
        <source>--har-unmasked needs --har</source>
        <translation>--har-unmasked 需要 --har</translation>
    </message>
    <message>
        <source>--check-profile: %1</source>
        <translation>--check-profile：%1</translation>
    </message>
    <message>
        <source>--upstream: %1</source>
        <translation>--upstream：%1</translation>
    </message>
    <message>
        <source>--%1 needs a positive whole number, not &apos;%2&apos;</source>
        <translation>--%1 需要一个正整数，而不是“%2”</translation>
    </message>
    <message>
        <source>Start with the window hidden in the tray (as at login), when the desktop has a tray.</source>
        <translation>启动时将窗口隐藏在托盘中（与登录时相同），前提是桌面有托盘。</translation>
    </message>
    <message>
        <source>--hidden is for the window; a headless run has none</source>
        <translation>--hidden 作用于窗口；无窗口运行没有窗口</translation>
    </message>
</context>
<context>
    <name>CurlCommand</name>
    <message>
        <source># the body above is cut: the capture kept only its start</source>
        <translation># 上面的正文被截断：捕获只保留了其开头部分</translation>
    </message>
</context>
<context>
    <name>GnomeProxyBackend</name>
    <message>
        <source>GNOME (gsettings)</source>
        <translation>GNOME（gsettings）</translation>
    </message>
    <message>
        <source>gsettings is not installed</source>
        <translation>未安装 gsettings</translation>
    </message>
    <message>
        <source>the GSettings schema %1 is not installed (package gsettings-desktop-schemas)</source>
        <translation>未安装 GSettings 架构 %1（软件包 gsettings-desktop-schemas）</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: %1</source>
        <translation>无法读取 GNOME 代理设置：%1</translation>
    </message>
    <message>
        <source>cannot read the GNOME proxy settings: gsettings did not list %1</source>
        <translation>无法读取 GNOME 代理设置：gsettings 未列出 %1</translation>
    </message>
    <message>
        <source>cannot change the GNOME proxy setting %1: %2</source>
        <translation>无法更改 GNOME 代理设置 %1：%2</translation>
    </message>
    <message>
        <source>the GNOME proxy settings did not change (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>GNOME 代理设置未更改（%1 为 %2，而不是 %3）：没有 D-Bus 会话总线，gsettings 无法保存</translation>
    </message>
    <message>
        <source>the GNOME proxy settings were not restored (%1 is %2, not %3): without a D-Bus session bus gsettings cannot save</source>
        <translation>GNOME 代理设置未恢复（%1 为 %2，而不是 %3）：没有 D-Bus 会话总线，gsettings 无法保存</translation>
    </message>
    <message>
        <source>the saved GNOME proxy settings are damaged (%1 is missing)</source>
        <translation>保存的 GNOME 代理设置已损坏（缺少 %1）</translation>
    </message>
</context>
<context>
    <name>HarReader</name>
    <message>
        <source>not valid JSON at byte %1: %2</source>
        <translation>第 %1 字节处不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>not a HAR file: no log.entries</source>
        <translation>不是 HAR 文件：没有 log.entries</translation>
    </message>
    <message>
        <source>entry %1 skipped: it has no request</source>
        <translation>已跳过条目 %1：它没有请求</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB</source>
        <translation>%1 大于 %2 MiB</translation>
    </message>
</context>
<context>
    <name>HarWriter</name>
    <message>
        <source>write failed</source>
        <translation>写入失败</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>cannot save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
</context>
<context>
    <name>JsonFieldReader</name>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>must be %1, not %2</source>
        <translation>必须是%1，而不是%2</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>must be a whole number from %1 to %2, not %3</source>
        <translation>必须是 %1 到 %2 之间的整数，而不是 %3</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>不能为空</translation>
    </message>
    <message>
        <source>is not valid base64</source>
        <translation>不是有效的 base64</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>unknown setting, ignored (it will be dropped when the settings are next saved)</source>
        <translation>未知设置，已忽略（下次保存设置时会将其删除）</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>true</source>
        <translation>true</translation>
    </message>
    <message>
        <source>false</source>
        <translation>false</translation>
    </message>
    <message>
        <source>the number %1</source>
        <translation>数字 %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>KdeProxyBackend</name>
    <message>
        <source>KDE (kioslaverc)</source>
        <translation>KDE（kioslaverc）</translation>
    </message>
    <message>
        <source>kwriteconfig6/kreadconfig6 or kwriteconfig5/kreadconfig5 are not installed</source>
        <translation>未安装 kwriteconfig6/kreadconfig6 或 kwriteconfig5/kreadconfig5</translation>
    </message>
    <message>
        <source>cannot read the KDE proxy setting %1: %2</source>
        <translation>无法读取 KDE 代理设置 %1：%2</translation>
    </message>
    <message>
        <source>cannot change the KDE proxy setting %1: %2</source>
        <translation>无法更改 KDE 代理设置 %1：%2</translation>
    </message>
    <message>
        <source>the KDE proxy setting %1 did not change (is kioslaverc writable?)</source>
        <translation>KDE 代理设置 %1 未更改（kioslaverc 是否可写？）</translation>
    </message>
    <message>
        <source>the saved KDE proxy settings are damaged (%1 is missing)</source>
        <translation>保存的 KDE 代理设置已损坏（缺少 %1）</translation>
    </message>
</context>
<context>
    <name>MacNetworkSetup</name>
    <message>
        <source>unexpected answer from networksetup: %1</source>
        <translation>networksetup 返回了意外的应答：%1</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged (no services)</source>
        <translation>保存的 macOS 代理设置已损坏（没有服务）</translation>
    </message>
    <message>
        <source>the saved macOS proxy settings are damaged</source>
        <translation>保存的 macOS 代理设置已损坏</translation>
    </message>
</context>
<context>
    <name>MacProxyBackend</name>
    <message>
        <source>macOS (networksetup)</source>
        <translation>macOS（networksetup）</translation>
    </message>
    <message>
        <source>%1 is missing</source>
        <translation>缺少 %1</translation>
    </message>
    <message>
        <source>networksetup exists only on macOS</source>
        <translation>networksetup 仅存在于 macOS 上</translation>
    </message>
    <message>
        <source>networksetup %1 failed: %2</source>
        <translation>networksetup %1 失败：%2</translation>
    </message>
    <message>
        <source>macOS lists no network service to set a proxy on</source>
        <translation>macOS 未列出可设置代理的网络服务</translation>
    </message>
    <message>
        <source>the macOS proxy settings did not change (is an administrator needed?)</source>
        <translation>macOS 代理设置未更改（是否需要管理员权限？）</translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>cannot read standard input: %1</source>
        <translation>无法读取标准输入：%1</translation>
    </message>
    <message>
        <source>the password is longer than %1 bytes</source>
        <translation>密码超过 %1 字节</translation>
    </message>
    <message>
        <source>cannot turn off echo on the terminal, so the password is not read from it; pipe it in instead</source>
        <translation>无法关闭终端回显，因此不从终端读取密码；请改用管道输入</translation>
    </message>
    <message>
        <source>no password was given; nothing was stored</source>
        <translation>未提供密码；未存储任何内容</translation>
    </message>
    <message>
        <source>Repeat the password: </source>
        <translation>再次输入密码： </translation>
    </message>
    <message>
        <source>the two passwords differ; nothing was stored</source>
        <translation>两次输入的密码不一致；未存储任何内容</translation>
    </message>
    <message>
        <source>the password is not valid UTF-8 text</source>
        <translation>密码不是有效的 UTF-8 文本</translation>
    </message>
    <message>
        <source>no password on standard input; nothing was stored</source>
        <translation>标准输入中没有密码；未存储任何内容</translation>
    </message>
</context>
<context>
    <name>RuleMatcherNames</name>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>域名</translation>
    </message>
    <message>
        <source>Wildcard</source>
        <translation>通配符</translation>
    </message>
    <message>
        <source>Keyword</source>
        <translation>关键字</translation>
    </message>
    <message>
        <source>Host regex</source>
        <translation>主机正则表达式</translation>
    </message>
    <message>
        <source>URL regex</source>
        <translation>URL 正则表达式</translation>
    </message>
    <message>
        <source>IP range (CIDR)</source>
        <translation>IP 范围（CIDR）</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Exactly this host name.</source>
        <translation>与此主机名完全一致。</translation>
    </message>
    <message>
        <source>The domain and every subdomain of it.</source>
        <translation>该域名及其所有子域名。</translation>
    </message>
    <message>
        <source>A host name pattern: * is any text, ? one character.</source>
        <translation>主机名模式：* 表示任意文本，? 表示一个字符。</translation>
    </message>
    <message>
        <source>Host names containing this text.</source>
        <translation>包含此文本的主机名。</translation>
    </message>
    <message>
        <source>A regular expression on the host name (case does not matter).</source>
        <translation>匹配主机名的正则表达式（不区分大小写）。</translation>
    </message>
    <message>
        <source>A regular expression on the URL of plain HTTP requests, or on host:port for HTTPS and other tunnels.</source>
        <translation>匹配普通 HTTP 请求 URL 的正则表达式；对于 HTTPS 和其他隧道，则匹配 host:port。</translation>
    </message>
    <message>
        <source>Destinations given as an IP address within this range (IPv4 or IPv6).</source>
        <translation>以此范围内（IPv4 或 IPv6）的 IP 地址给出的目标。</translation>
    </message>
    <message>
        <source>The destination port, or a range of ports.</source>
        <translation>目标端口或端口范围。</translation>
    </message>
</context>
<context>
    <name>SecretResult</name>
    <message>
        <source>No password is stored in the system keychain for %1.</source>
        <translation>系统密钥环中没有存储 %1 的密码。</translation>
    </message>
    <message>
        <source>No system keychain is available (%1). Switchyard keeps passwords only in the system keychain (a Secret Service such as GNOME Keyring, KWallet or KeePassXC); start one, or keep the password in memory for this run only.</source>
        <translation>没有可用的系统密钥环（%1）。Switchyard 只在系统密钥环（如 GNOME Keyring、KWallet 或 KeePassXC 等 Secret Service）中保存密码；请启动一个，或仅在本次运行期间将密码保存在内存中。</translation>
    </message>
    <message>
        <source>The system keychain refused access (%1): it is probably locked and unlocking was declined.</source>
        <translation>系统密钥环拒绝访问（%1）：它可能已锁定，且解锁被拒绝。</translation>
    </message>
    <message>
        <source>The system keychain reported an error: %1</source>
        <translation>系统密钥环报告了错误：%1</translation>
    </message>
</context>
<context>
    <name>SettingsCodec</name>
    <message>
        <source>unknown value &quot;%1&quot;; this version of Switchyard knows %2</source>
        <translation>未知值“%1”；此版本的 Switchyard 可识别 %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; contains spaces or control characters</source>
        <translation>“%1”包含空格或控制字符</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or IP address</source>
        <translation>“%1”不是主机名或 IP 地址</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Switchyard settings or export file</source>
        <translation>“%1”不是 Switchyard 设置文件或导出文件</translation>
    </message>
    <message>
        <source>a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>明文密码：Switchyard 只在系统密钥环中保存密码，下次保存设置时会从文件中删除此密码</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address (or &quot;any&quot;)</source>
        <translation>“%1”不是 IP 地址（也不是“any”）</translation>
    </message>
    <message>
        <source>must be a port from 1 to 65535, not %1</source>
        <translation>必须是 1 到 65535 之间的端口，而不是 %1</translation>
    </message>
    <message>
        <source>is longer than 255 bytes, the most SOCKS5 can carry</source>
        <translation>超过 255 字节，即 SOCKS5 能承载的上限</translation>
    </message>
    <message>
        <source>is needed when inbound authentication is required</source>
        <translation>要求入站认证时必须提供</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>必须是对象，而不是%1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid id: up to 128 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;~&apos; or &apos;-&apos;</source>
        <translation>“%1”不是有效的 id：最多 128 个字母、数字、“.”、“_”、“~”或“-”</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the id of another exit too; ids must be unique</source>
        <translation>“%1”也是另一个出口的 id；id 必须唯一</translation>
    </message>
    <message>
        <source>%1 has the same name; name them apart, or use ids where an exit is asked for</source>
        <translation>%1 的名称相同；请为它们取不同的名称，或在需要指定出口的地方使用 id</translation>
    </message>
    <message>
        <source>no exit has the id &quot;%1&quot;; connections sent there are blocked until one does</source>
        <translation>没有 id 为“%1”的出口；发往该处的连接将被阻止，直到有这样的出口为止</translation>
    </message>
    <message>
        <source>%1; the rule never matches until it is fixed</source>
        <translation>%1；修正之前该规则永远不会匹配</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name</source>
        <translation>“%1”不是主机名</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is listed twice (names are not case-sensitive)</source>
        <translation>“%1”列出了两次（名称不区分大小写）</translation>
    </message>
    <message>
        <source>must be an IP address or a list of them, not %1</source>
        <translation>必须是 IP 地址或 IP 地址列表，而不是%1</translation>
    </message>
    <message>
        <source>%1 is not an IP address</source>
        <translation>%1 不是 IP 地址</translation>
    </message>
    <message>
        <source>names no address</source>
        <translation>未指定任何地址</translation>
    </message>
    <message>
        <source>must be a width in pixels from 0 to %1, not %2</source>
        <translation>必须是 0 到 %1 之间的像素宽度，而不是 %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a language code such as &quot;de&quot; or &quot;pt_BR&quot; (empty follows the system)</source>
        <translation>“%1”不是语言代码，例如“de”或“pt_BR”（留空则跟随系统）</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <source>binary data (a zero byte): this is not a settings file</source>
        <translation>二进制数据（含零字节）：这不是设置文件</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text: it is damaged or not a settings file</source>
        <translation>文件不是 UTF-8 文本：文件已损坏或不是设置文件</translation>
    </message>
    <message>
        <source>not valid JSON: %1</source>
        <translation>不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>the file holds %1, not a settings object</source>
        <translation>文件包含的是%1，而不是设置对象</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>a single value</source>
        <translation>单个值</translation>
    </message>
    <message>
        <source>missing; every Switchyard settings file names its version</source>
        <translation>缺失；每个 Switchyard 设置文件都会注明其版本</translation>
    </message>
    <message>
        <source>must be a whole number, not %1</source>
        <translation>必须是整数，而不是%1</translation>
    </message>
    <message>
        <source>the file was written by a newer Switchyard (settings version %1); this one reads versions 1 to %2</source>
        <translation>该文件由较新的 Switchyard 写入（设置版本 %1）；此版本可读取版本 1 到 %2</translation>
    </message>
    <message>
        <source>%1 is not a settings version</source>
        <translation>%1 不是设置版本</translation>
    </message>
</context>
<context>
    <name>SettingsDocument</name>
    <message>
        <source>there is no exit with the id or name &quot;%1&quot;</source>
        <translation>没有 id 或名称为“%1”的出口</translation>
    </message>
    <message>
        <source>%1 exits are named &quot;%2&quot;; give the id instead (%3)</source>
        <translation>有 %1 个出口名为“%2”；请改为提供 id（%3）</translation>
    </message>
</context>
<context>
    <name>SettingsLoadResult</name>
    <message>
        <source>The settings in %1 cannot be used:</source>
        <translation>%1 中的设置无法使用：</translation>
    </message>
    <message>
        <source>The settings in %1 were read, with warnings:</source>
        <translation>已读取 %1 中的设置，但有警告：</translation>
    </message>
    <message>
        <source>That file was kept as %1.</source>
        <translation>该文件已保留为 %1。</translation>
    </message>
    <message>
        <source>Switchyard started from the last good version of the settings (the backup).</source>
        <translation>Switchyard 已使用上一个有效版本的设置（备份）启动。</translation>
    </message>
    <message>
        <source>The backup cannot be used either:</source>
        <translation>备份也无法使用：</translation>
    </message>
    <message>
        <source>Switchyard started with the default settings.</source>
        <translation>Switchyard 已使用默认设置启动。</translation>
    </message>
    <message>
        <source>The settings were written by an older Switchyard (version %1); they are saved in the current format the next time they are saved.</source>
        <translation>这些设置由较旧的 Switchyard（版本 %1）写入；下次保存时将以当前格式保存。</translation>
    </message>
</context>
<context>
    <name>SettingsMigration</name>
    <message>
        <source>it cannot be parsed as a URI</source>
        <translation>无法解析为 URI</translation>
    </message>
    <message>
        <source>no migration from settings version %1</source>
        <translation>没有从设置版本 %1 的迁移</translation>
    </message>
    <message>
        <source>not a usable proxy URI: %1</source>
        <translation>不是可用的代理 URI：%1</translation>
    </message>
    <message>
        <source>holds a password in plain text: Switchyard keeps passwords only in the system keychain, and drops this one from the file when the settings are next saved</source>
        <translation>包含明文密码：Switchyard 只在系统密钥环中保存密码，下次保存设置时会从文件中删除此密码</translation>
    </message>
    <message>
        <source>must be an object, not %1</source>
        <translation>必须是对象，而不是%1</translation>
    </message>
    <message>
        <source>unknown rule type &quot;%1&quot;; version 1 knew &quot;host&quot;, &quot;domain&quot;, &quot;wildcard&quot;, &quot;keyword&quot;, &quot;regex&quot; and &quot;cidr&quot;</source>
        <translation>未知规则类型“%1”；版本 1 可识别“host”、“domain”、“wildcard”、“keyword”、“regex”和“cidr”</translation>
    </message>
    <message>
        <source>&quot;upstream&quot;, but the file names no usable upstream</source>
        <translation>“upstream”，但文件中没有可用的上游代理</translation>
    </message>
    <message>
        <source>unknown action &quot;%1&quot;; version 1 knew &quot;direct&quot;, &quot;upstream&quot; and &quot;block&quot;</source>
        <translation>未知操作“%1”；版本 1 可识别“direct”、“upstream”和“block”</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <source>cannot open it: %1</source>
        <translation>无法打开：%1</translation>
    </message>
    <message>
        <source>it is %1 MiB, too big to be settings</source>
        <translation>大小为 %1 MiB，作为设置文件太大</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>这是文件夹，不是文件</translation>
    </message>
    <message>
        <source>The unusable file could not be moved aside to %1; it is left where it is and will not be saved over.</source>
        <translation>无法将不可用的文件移到 %1；它保留在原处，并且不会被覆盖。</translation>
    </message>
    <message>
        <source>The backup could not be restored: %1</source>
        <translation>无法恢复备份：%1</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder</source>
        <translation>无法写入 %1：它是一个文件夹</translation>
    </message>
    <message>
        <source>%1 is not the version Switchyard read, and it could not be kept aside as %2; the settings were not saved over it</source>
        <translation>%1 不是 Switchyard 读取的那个版本，并且无法另存为 %2；设置未覆盖它</translation>
    </message>
    <message>
        <source>%1 could not be read; it was kept as %2</source>
        <translation>无法读取 %1；已将其保留为 %2</translation>
    </message>
    <message>
        <source>%1 had been changed by another program since Switchyard read it; that version was kept as %2</source>
        <translation>%1 在 Switchyard 读取后已被其他程序更改；该版本已保留为 %2</translation>
    </message>
    <message>
        <source>the backup could not be written, so the settings were not saved: %1</source>
        <translation>无法写入备份，因此未保存设置：%1</translation>
    </message>
</context>
<context>
    <name>SpeedMeter</name>
    <message>
        <source>%1 B/s</source>
        <translation>%1 B/s</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 KB/s</translation>
    </message>
    <message>
        <source>%1 MB/s</source>
        <translation>%1 MB/s</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
</context>
<context>
    <name>Switchyard::AppActions</name>
    <message>
        <source>Proxy enabled</source>
        <translation>代理已启用</translation>
    </message>
    <message>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
    <message>
        <source>Open Switchyard</source>
        <translation>打开 Switchyard</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Start or stop listening for proxy clients</source>
        <translation>开始或停止监听代理客户端</translation>
    </message>
    <message>
        <source>Point the desktop&apos;s proxy settings at Switchyard; switching off restores what was there before</source>
        <translation>将桌面的代理设置指向 Switchyard；关闭时恢复之前的设置</translation>
    </message>
</context>
<context>
    <name>Switchyard::DesktopSession</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>This desktop has no system tray: closing the window quits Switchyard.</source>
        <translation>此桌面没有系统托盘：关闭窗口将退出 Switchyard。</translation>
    </message>
    <message>
        <source>Switchyard keeps running in the tray. Use Quit in its menu to stop it; the Settings page can make closing the window quit.</source>
        <translation>Switchyard 会继续在托盘中运行。使用其菜单中的“退出”来停止它；可在“设置”页面中让关闭窗口时退出。</translation>
    </message>
    <message>
        <source>added from the traffic view</source>
        <translation>从流量视图添加</translation>
    </message>
    <message>
        <source>%1 now goes: %2 (rule 1 on the Rules page)</source>
        <translation>%1 现在的去向：%2（“规则”页面中的规则 1）</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Exits</source>
        <translation>出口</translation>
    </message>
    <message>
        <source>Start at login could not be changed: %1</source>
        <translation>无法更改登录时启动：%1</translation>
    </message>
    <message>
        <source>Switchyard starts at login (%1).</source>
        <translation>Switchyard 将在登录时启动（%1）。</translation>
    </message>
    <message>
        <source>Switchyard no longer starts at login.</source>
        <translation>Switchyard 不再在登录时启动。</translation>
    </message>
</context>
<context>
    <name>Switchyard::EventLogView</name>
    <message>
        <source>Finished requests appear here.</source>
        <translation>已完成的请求会显示在这里。</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitListModel</name>
    <message>
        <source>unchecked</source>
        <translation>未检查</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>waiting for password</source>
        <translation>等待密码</translation>
    </message>
    <message>
        <source>OK %1 ms</source>
        <translation>正常 %1 ms</translation>
    </message>
    <message>
        <source>failing: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>%1 (any certificate)</source>
        <translation>%1（任意证书）</translation>
    </message>
    <message>
        <source>Its password is not available yet, so traffic routed through it is blocked.</source>
        <translation>其密码尚不可用，因此经由它的流量将被阻止。</translation>
    </message>
    <message>
        <source>Last check: HTTP %1 after %2 ms</source>
        <translation>上次检查：HTTP %1，耗时 %2 ms</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitPicker</name>
    <message>
        <source>Where traffic goes when no rule matches it</source>
        <translation>没有规则匹配时流量的去向</translation>
    </message>
</context>
<context>
    <name>Switchyard::ExitsPage</name>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Add as new exit</source>
        <translation>添加为新出口(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>保存更改(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>检查(&amp;C)</translation>
    </message>
    <message>
        <source>Fetch the URL through the selected exit, as saved</source>
        <translation>经由所选出口（按已保存的设置）获取该 URL</translation>
    </message>
    <message>
        <source>The URL the check fetches through the exit</source>
        <translation>检查时经由出口获取的 URL</translation>
    </message>
    <message>
        <source>Check URL:</source>
        <translation>检查 URL：</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Exit “%1” added.</source>
        <translation>已添加出口“%1”。</translation>
    </message>
    <message>
        <source>Exit “%1” saved.</source>
        <translation>已保存出口“%1”。</translation>
    </message>
    <message>
        <source>Storing the password of “%1” in the system keychain…</source>
        <translation>正在将“%1”的密码存入系统密钥环…</translation>
    </message>
    <message>
        <source>The password of “%1” is stored in the system keychain.</source>
        <translation>“%1”的密码已存入系统密钥环。</translation>
    </message>
    <message>
        <source>The password of “%1” is kept in memory until Switchyard quits; it was not written anywhere. %2</source>
        <translation>“%1”的密码保存在内存中，直到 Switchyard 退出；它未写入任何地方。%2</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2 Traffic through this exit is blocked until it has its password.</source>
        <translation>“%1”的密码未存储：%2 在其获得密码之前，经由此出口的流量将被阻止。</translation>
    </message>
    <message>
        <source>The password of “%1” was not stored: %2</source>
        <translation>“%1”的密码未存储：%2</translation>
    </message>
    <message>
        <source>Password not stored</source>
        <translation>密码未存储</translation>
    </message>
    <message>
        <source>Keep the password in memory for this run only? It is not written anywhere, and you will have to enter it again after Switchyard restarts.</source>
        <translation>仅在本次运行期间将密码保存在内存中？它不会写入任何地方，Switchyard 重启后需要重新输入。</translation>
    </message>
    <message>
        <source>Delete exit</source>
        <translation>删除出口</translation>
    </message>
    <message>
        <source>Delete the exit “%1”?</source>
        <translation>删除出口“%1”？</translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s) route through it; their traffic will be blocked until you change them.</source>
        <translation>
            <numerusform>有 %Ln 条规则经由它路由；在您更改这些规则之前，它们的流量将被阻止。</numerusform>
        </translation>
    </message>
    <message>
        <source>No rule routes through it.</source>
        <translation>没有规则经由它路由。</translation>
    </message>
    <message>
        <source>Traffic no rule matches goes through it too and will be blocked until you pick another exit.</source>
        <translation>没有规则匹配的流量也经由它发送，在您选择其他出口之前将被阻止。</translation>
    </message>
    <message>
        <source>Its password is removed from the system keychain.</source>
        <translation>其密码将从系统密钥环中删除。</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>未删除：%1</translation>
    </message>
    <message>
        <source>Exit “%1” deleted.</source>
        <translation>已删除出口“%1”。</translation>
    </message>
    <message>
        <source>The check URL must be an http:// or https:// URL.</source>
        <translation>检查 URL 必须是 http:// 或 https:// URL。</translation>
    </message>
    <message>
        <source>Not checked: the password of this exit is not available yet.</source>
        <translation>未检查：此出口的密码尚不可用。</translation>
    </message>
    <message>
        <source>Not checked: this exit is not in use.</source>
        <translation>未检查：此出口未被使用。</translation>
    </message>
    <message>
        <source>Checking %1 through “%2”…</source>
        <translation>正在经由“%2”检查 %1…</translation>
    </message>
    <message>
        <source>OK: HTTP %1 after %2 ms.</source>
        <translation>正常：HTTP %1，耗时 %2 ms。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>The password of “%1” was removed from the system keychain.</source>
        <translation>“%1”的密码已从系统密钥环中删除。</translation>
    </message>
    <message>
        <source>The password of “%1” was not removed: %2</source>
        <translation>“%1”的密码未删除：%2</translation>
    </message>
</context>
<context>
    <name>Switchyard::HeadlessRunner</name>
    <message>
        <source>the proxy did not stop within %1 seconds</source>
        <translation>代理未在 %1 秒内停止</translation>
    </message>
    <message>
        <source>cannot open the log file %1: %2</source>
        <translation>无法打开日志文件 %1：%2</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>无法在 %1 上监听：%2</translation>
    </message>
    <message>
        <source>the proxy stopped unexpectedly</source>
        <translation>代理意外停止</translation>
    </message>
    <message>
        <source>cannot write the log, logging stops: %1</source>
        <translation>无法写入日志，日志记录停止：%1</translation>
    </message>
    <message numerus="yes">
        <source>Switchyard wrote %n exchanges to %1</source>
        <translation>
            <numerusform>Switchyard 已将 %n 个请求写入 %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::MainWindow</name>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>Exit:</source>
        <translation>出口：</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>流量</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>正在监听 %1</translation>
    </message>
    <message>
        <source>Not listening (%1)</source>
        <translation>未监听（%1）</translation>
    </message>
    <message numerus="yes">
        <source>%Ln connection(s)</source>
        <translation>
            <numerusform>%Ln 个连接</numerusform>
        </translation>
    </message>
    <message>
        <source>↑ %1  ↓ %2</source>
        <translation>↑ %1  ↓ %2</translation>
    </message>
</context>
<context>
    <name>Switchyard::PasswordCommand</name>
    <message>
        <source>there are no exits yet: %1 does not exist</source>
        <translation>还没有出口：%1 不存在</translation>
    </message>
    <message>
        <source>cannot read the settings in %1, so the exit cannot be found</source>
        <translation>无法读取 %1 中的设置，因此找不到该出口</translation>
    </message>
    <message>
        <source>%1 (in %2)</source>
        <translation>%1（在 %2 中）</translation>
    </message>
    <message>
        <source>exit &quot;%1&quot; is SOCKS4a, which has no passwords</source>
        <translation>出口“%1”是 SOCKS4a，不支持密码</translation>
    </message>
    <message>
        <source>note: exit &quot;%1&quot; has no user name; the password is used once it has one</source>
        <translation>注意：出口“%1”没有用户名；设置用户名后才会使用该密码</translation>
    </message>
    <message>
        <source>Password for exit &quot;%1&quot;: </source>
        <translation>出口“%1”的密码： </translation>
    </message>
    <message>
        <source>The password for exit &quot;%1&quot; (%2) is stored in the system keychain.</source>
        <translation>出口“%1”（%2）的密码已存入系统密钥环。</translation>
    </message>
    <message>
        <source>cannot store the password: %1</source>
        <translation>无法存储密码：%1</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProfileForm</name>
    <message>
        <source>&amp;Fill from URI</source>
        <translation>从 URI 填充(&amp;F)</translation>
    </message>
    <message>
        <source>Resolve names at the exit (no local DNS lookup)</source>
        <translation>在出口处解析名称（不进行本地 DNS 查询）</translation>
    </message>
    <message>
        <source>Accept any certificate (self-signed)</source>
        <translation>接受任意证书（自签名）</translation>
    </message>
    <message>
        <source>Paste a proxy URI, e.g. socks5h://user:pass@host:1080</source>
        <translation>粘贴代理 URI，例如 socks5h://user:pass@host:1080</translation>
    </message>
    <message>
        <source>proxy.example.net or 192.0.2.10</source>
        <translation>proxy.example.net 或 192.0.2.10</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Warning: any certificate is accepted, so anyone between you and this exit can pretend to be it and read your traffic. Use this only for an exit you run yourself on a network you trust.</source>
        <translation>警告：将接受任意证书，因此您与此出口之间的任何人都可以冒充它并读取您的流量。仅在您自己运行的出口且处于您信任的网络中时才使用此选项。</translation>
    </message>
    <message>
        <source>&amp;URI:</source>
        <translation>URI(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>类型(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>User na&amp;me:</source>
        <translation>用户名(&amp;M)：</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>user id (optional)</source>
        <translation>用户 id（可选）</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>unchanged (in the system keychain); type to replace</source>
        <translation>未更改（在系统密钥环中）；输入以替换</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>可选；保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Give the exit a name.</source>
        <translation>请为出口命名。</translation>
    </message>
    <message>
        <source>This exit cannot be used: %1</source>
        <translation>此出口无法使用：%1</translation>
    </message>
    <message>
        <source>paste a URI such as http://proxy.example:3128 first</source>
        <translation>请先粘贴 URI，例如 http://proxy.example:3128</translation>
    </message>
    <message>
        <source>Not a usable proxy URI: %1</source>
        <translation>不是可用的代理 URI：%1</translation>
    </message>
    <message>
        <source>&amp;Remove the stored password</source>
        <translation>删除已存储的密码(&amp;R)</translation>
    </message>
</context>
<context>
    <name>Switchyard::ProxyController</name>
    <message>
        <source>Proxy off</source>
        <translation>代理已关闭</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Starting on %1…</source>
        <translation>正在 %1 上启动…</translation>
    </message>
    <message>
        <source>On, %1 — direct</source>
        <translation>已开启，%1 — 直连</translation>
    </message>
    <message>
        <source>On, %1 — through %2</source>
        <translation>已开启，%1 — 经由 %2</translation>
    </message>
    <message>
        <source>On, %1 — unmatched traffic blocked</source>
        <translation>已开启，%1 — 未匹配的流量被阻止</translation>
    </message>
    <message>
        <source>Cannot listen on %1: %2</source>
        <translation>无法在 %1 上监听：%2</translation>
    </message>
    <message>
        <source>On, %1 — exit &quot;%2&quot; is failing; its traffic is blocked</source>
        <translation>已开启，%1 — 出口“%2”失败；其流量被阻止</translation>
    </message>
</context>
<context>
    <name>Switchyard::RouteActionCombo</name>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>阻止</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>经由 %1</translation>
    </message>
    <message>
        <source>Through %1 (waiting for password)</source>
        <translation>经由 %1（等待密码）</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>经由 %1（失败）</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>出口缺失（已阻止）</translation>
    </message>
    <message>
        <source>The exit this rule routes through was deleted: its traffic is blocked until you pick another action.</source>
        <translation>此规则所经由的出口已被删除：在您选择其他操作之前，其流量将被阻止。</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleEditDialog</name>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Optional note for yourself</source>
        <translation>给自己的备注（可选）</translation>
    </message>
    <message>
        <source>&amp;Matcher:</source>
        <translation>匹配方式(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>模式(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>操作(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Comment:</source>
        <translation>备注(&amp;C)：</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>例如 %1</translation>
    </message>
    <message>
        <source>Invalid pattern: %1</source>
        <translation>无效的模式：%1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleImportDialog</name>
    <message>
        <source>Import rules from %1</source>
        <translation>从 %1 导入规则</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>AutoProxy / gfwlist</source>
        <translation>AutoProxy / gfwlist</translation>
    </message>
    <message>
        <source>Plain host list / hosts file</source>
        <translation>纯主机列表 / hosts 文件</translation>
    </message>
    <message>
        <source>Every line was used.</source>
        <translation>所有行均已使用。</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;New rules:</source>
        <translation>新规则(&amp;N)：</translation>
    </message>
    <message>
        <source>Lines not imported:</source>
        <translation>未导入的行：</translation>
    </message>
    <message>
        <source>AutoProxy list (base64)</source>
        <translation>AutoProxy 列表（base64）</translation>
    </message>
    <message>
        <source>AutoProxy list</source>
        <translation>AutoProxy 列表</translation>
    </message>
    <message>
        <source>plain host list</source>
        <translation>纯主机列表</translation>
    </message>
    <message numerus="yes">
        <source>%1: %Ln rule(s) from %2 line(s).</source>
        <translation>
            <numerusform>%1：从 %2 行中得到 %Ln 条规则。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) gave rules, </source>
        <translation>
            <numerusform>%Ln 行生成了规则， </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln comment or header line(s), </source>
        <translation>
            <numerusform>%Ln 行注释或标题， </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln blank line(s), </source>
        <translation>
            <numerusform>%Ln 行空行， </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entry(ies) skipped.</source>
        <translation>
            <numerusform>跳过了 %Ln 个条目。</numerusform>
        </translation>
    </message>
    <message>
        <source>Exceptions (@@ lines) go direct and come first.</source>
        <translation>例外规则（@@ 行）走直连，并排在最前面。</translation>
    </message>
    <message>
        <source>line %1: %2 (%3)</source>
        <translation>第 %1 行：%2（%3）</translation>
    </message>
    <message numerus="yes">
        <source>Append %Ln rule(s)</source>
        <translation>
            <numerusform>追加 %Ln 条规则</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::RuleTableModel</name>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>阻止</translation>
    </message>
    <message>
        <source>blocked: exit missing</source>
        <translation>已阻止：出口缺失</translation>
    </message>
    <message>
        <source>Through %1 (failing)</source>
        <translation>经由 %1（失败）</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>经由 %1</translation>
    </message>
    <message>
        <source>Enabled: this rule takes part in matching</source>
        <translation>已启用：此规则参与匹配</translation>
    </message>
    <message>
        <source>Disabled: this rule is skipped</source>
        <translation>已禁用：此规则被跳过</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已禁用</translation>
    </message>
    <message>
        <source>Invalid pattern, this rule never matches: %1</source>
        <translation>模式无效，此规则永远不会匹配：%1</translation>
    </message>
    <message>
        <source>The exit this rule routes through is gone, so its traffic is blocked: %1</source>
        <translation>此规则所经由的出口已不存在，因此其流量被阻止：%1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Matcher</source>
        <translation>匹配方式</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>There is no rule #%1.</source>
        <translation>不存在规则 #%1。</translation>
    </message>
</context>
<context>
    <name>Switchyard::RulesPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>复制(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>启用(&amp;N)</translation>
    </message>
    <message>
        <source>Di&amp;sable</source>
        <translation>禁用(&amp;S)</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>下移(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Import list…</source>
        <translation>导入列表(&amp;I)…</translation>
    </message>
    <message>
        <source>E&amp;xplain</source>
        <translation>解释(&amp;X)</translation>
    </message>
    <message>
        <source>Add a rule after the selected ones (or at the end)</source>
        <translation>在所选规则之后（或末尾）添加规则</translation>
    </message>
    <message>
        <source>Earlier rules win: move the selected rules up</source>
        <translation>靠前的规则优先：将所选规则上移</translation>
    </message>
    <message>
        <source>Move the selected rules down</source>
        <translation>将所选规则下移</translation>
    </message>
    <message>
        <source>Append the rules of an AutoProxy/gfwlist or plain host list</source>
        <translation>追加 AutoProxy/gfwlist 或纯主机列表中的规则</translation>
    </message>
    <message>
        <source>URL or host:port, e.g. https://example.com/</source>
        <translation>URL 或 host:port，例如 https://example.com/</translation>
    </message>
    <message>
        <source>Where does this go?</source>
        <translation>这会去哪里？</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <source>Traffic no rule matches: %1</source>
        <translation>没有规则匹配的流量：%1</translation>
    </message>
    <message>
        <source>Import a rule list</source>
        <translation>导入规则列表</translation>
    </message>
    <message>
        <source>Rule lists (*.txt *.list *.conf);;All files (*)</source>
        <translation>规则列表 (*.txt *.list *.conf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Add a rule</source>
        <translation>添加规则</translation>
    </message>
    <message>
        <source>Edit rule #%1</source>
        <translation>编辑规则 #%1</translation>
    </message>
    <message>
        <source>Not duplicated: %1</source>
        <translation>未复制：%1</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>未删除：%1</translation>
    </message>
    <message numerus="yes">
        <source>Deleted %Ln rule(s).</source>
        <translation>
            <numerusform>已删除 %Ln 条规则。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>未移动：%1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too big for a rule list (%2 bytes).</source>
        <translation>%1 作为规则列表太大（%2 字节）。</translation>
    </message>
    <message>
        <source>Nothing imported: %1</source>
        <translation>未导入任何内容：%1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln rule(s) from %1; %2 line(s) skipped.</source>
        <translation>
            <numerusform>已从 %1 导入 %Ln 条规则；跳过了 %2 行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a URL or host:port to see which rule decides it.</source>
        <translation>输入 URL 或 host:port，查看由哪条规则决定它的去向。</translation>
    </message>
    <message>
        <source>Cannot explain “%1”: %2</source>
        <translation>无法解释“%1”：%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>No rule matches %1: the default action applies, %2.</source>
        <translation>没有规则匹配 %1：使用默认操作，%2。</translation>
    </message>
    <message>
        <source>Rule #%1 decides %2: %3.
%4</source>
        <translation>规则 #%1 决定了 %2：%3。
%4</translation>
    </message>
</context>
<context>
    <name>Switchyard::RunSettings</name>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file (the last good version is in %2)</source>
        <translation>无法使用 %1 中的设置；请修正它们，或用 --config 指定另一个文件（上一个有效版本位于 %2）</translation>
    </message>
    <message>
        <source>cannot use the settings in %1; fix them, or point --config at another file</source>
        <translation>无法使用 %1 中的设置；请修正它们，或用 --config 指定另一个文件</translation>
    </message>
    <message>
        <source>the password in %1 stays in the settings file: %2</source>
        <translation>%1 中的密码仍保留在设置文件中：%2</translation>
    </message>
    <message>
        <source>The passwords from %1 are now in the system keychain, and no longer in the file.</source>
        <translation>%1 中的密码现已存入系统密钥环，不再保存在文件中。</translation>
    </message>
    <message>
        <source>cannot save the settings without the passwords: %1</source>
        <translation>无法在不含密码的情况下保存设置：%1</translation>
    </message>
    <message>
        <source>inbound authentication is on but its password cannot be read; not accepting clients without it</source>
        <translation>入站认证已开启，但无法读取其密码；在没有密码的情况下不接受客户端</translation>
    </message>
    <message>
        <source>traffic for exit &quot;%1&quot; is blocked in this run: its password cannot be read</source>
        <translation>本次运行中出口“%1”的流量被阻止：无法读取其密码</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsController</name>
    <message>
        <source>Rule %1 (%2) cannot be saved: %3</source>
        <translation>无法保存规则 %1（%2）：%3</translation>
    </message>
    <message>
        <source>There is no exit with the id &quot;%1&quot;.</source>
        <translation>没有 id 为“%1”的出口。</translation>
    </message>
    <message>
        <source>The listen address is not an IP address.</source>
        <translation>监听地址不是 IP 地址。</translation>
    </message>
    <message>
        <source>%1 cannot be imported; it has errors.</source>
        <translation>无法导入 %1；它包含错误。</translation>
    </message>
    <message>
        <source>Rule %1 of the import cannot be used: %2</source>
        <translation>导入中的规则 %1 无法使用：%2</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>已阻止</translation>
    </message>
    <message>
        <source>Missing exit (blocked)</source>
        <translation>出口缺失（已阻止）</translation>
    </message>
    <message>
        <source>Block (unmatched traffic)</source>
        <translation>阻止（未匹配的流量）</translation>
    </message>
    <message>
        <source>%1 — failing</source>
        <translation>%1 — 失败</translation>
    </message>
    <message>
        <source>%1 — no password yet</source>
        <translation>%1 — 尚无密码</translation>
    </message>
    <message>
        <source>The settings could not be saved, so nothing was changed: %1</source>
        <translation>无法保存设置，因此未做任何更改：%1</translation>
    </message>
    <message>
        <source>Clients need a user name to log in with.</source>
        <translation>客户端需要用于登录的用户名。</translation>
    </message>
    <message>
        <source>The user name is longer than 255 bytes.</source>
        <translation>用户名超过 255 字节。</translation>
    </message>
</context>
<context>
    <name>Switchyard::SettingsPage</name>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>Address and port for HTTP, SOCKS5 and SOCKS4a clients. Anything but loopback needs inbound authentication.</source>
        <translation>供 HTTP、SOCKS5 和 SOCKS4a 客户端使用的地址和端口。除环回地址外，任何地址都需要入站认证。</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>监听地址：</translation>
    </message>
    <message>
        <source>Manual: HTTP, HTTPS and SOCKS point at Switchyard</source>
        <translation>手动：HTTP、HTTPS 和 SOCKS 指向 Switchyard</translation>
    </message>
    <message>
        <source>Automatic: the desktop reads Switchyard&apos;s PAC file</source>
        <translation>自动：桌面读取 Switchyard 的 PAC 文件</translation>
    </message>
    <message>
        <source>System proxy:</source>
        <translation>系统代理：</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <source>Closing the window keeps Switchyard running in the tray</source>
        <translation>关闭窗口时 Switchyard 继续在托盘中运行</translation>
    </message>
    <message>
        <source>Start Switchyard when I log in</source>
        <translation>登录时启动 Switchyard</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>语言（重启后生效）：</translation>
    </message>
    <message>
        <source>Rows kept in the traffic view:</source>
        <translation>流量视图中保留的行数：</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Exits (without passwords), rules and options in one file</source>
        <translation>将出口（不含密码）、规则和选项保存在一个文件中</translation>
    </message>
    <message>
        <source>Switchyard configuration (*.json);;All files (*)</source>
        <translation>Switchyard 配置 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export configuration</source>
        <translation>导出配置</translation>
    </message>
    <message>
        <source>Import configuration</source>
        <translation>导入配置</translation>
    </message>
    <message>
        <source>Merge the exits and rules of %1 with yours, or replace yours?</source>
        <translation>将 %1 中的出口和规则与您现有的合并，还是替换您现有的？</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>The language changes when Switchyard starts again.</source>
        <translation>语言将在 Switchyard 下次启动时更改。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Cannot listen on &quot;%1&quot;: %2</source>
        <translation>无法在“%1”上监听：%2</translation>
    </message>
    <message>
        <source>Listening on %1 would open the proxy to other machines; that needs inbound authentication, which is off.</source>
        <translation>在 %1 上监听会将代理开放给其他计算机；这需要入站认证，而它目前已关闭。</translation>
    </message>
    <message>
        <source>Listening on %1 from now on.</source>
        <translation>今后在 %1 上监听。</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Exported to %1 (passwords are not included).</source>
        <translation>已导出到 %1（不含密码）。</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>无法导入 %1：
%2</translation>
    </message>
    <message>
        <source>Imported %1. Exits that need a password ask for it on the Exits page.</source>
        <translation>已导入 %1。需要密码的出口会在“出口”页面中请求密码。</translation>
    </message>
    <message>
        <source>Client login</source>
        <translation>客户端登录</translation>
    </message>
    <message>
        <source>Clients must log in (needed to listen beyond this computer)</source>
        <translation>客户端必须登录（在本机以外监听时需要）</translation>
    </message>
    <message>
        <source>kept in the system keychain</source>
        <translation>保存在系统密钥环中</translation>
    </message>
    <message>
        <source>Save login</source>
        <translation>保存登录信息</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>No keychain</source>
        <translation>没有密钥环</translation>
    </message>
    <message>
        <source>%1

Keep the password in memory until Switchyard quits? It is not written anywhere.</source>
        <translation>%1

是否将密码保存在内存中，直到 Switchyard 退出？它不会写入任何地方。</translation>
    </message>
    <message>
        <source>Client login saved.</source>
        <translation>客户端登录信息已保存。</translation>
    </message>
    <message>
        <source>Clients no longer log in.</source>
        <translation>客户端不再需要登录。</translation>
    </message>
    <message>
        <source>Client login saved; the password is in the system keychain.</source>
        <translation>客户端登录信息已保存；密码已存入系统密钥环。</translation>
    </message>
    <message>
        <source>The password is kept in memory until Switchyard quits.</source>
        <translation>密码将保存在内存中，直到 Switchyard 退出。</translation>
    </message>
    <message>
        <source>The password was not stored: %1 Clients are refused until it is.</source>
        <translation>密码未存储：%1 在存储之前，客户端将被拒绝。</translation>
    </message>
    <message>
        <source>Anyone who can reach the port may use the proxy.</source>
        <translation>任何能访问该端口的人都可以使用此代理。</translation>
    </message>
    <message>
        <source>No usable password yet: every client is refused.</source>
        <translation>尚无可用密码：所有客户端都将被拒绝。</translation>
    </message>
    <message>
        <source>Clients log in with this user name and the stored password.</source>
        <translation>客户端使用此用户名和已存储的密码登录。</translation>
    </message>
</context>
<context>
    <name>Switchyard::SingleInstanceGuard</name>
    <message>
        <source>cannot take the lock %1 that guards against a second Switchyard</source>
        <translation>无法获取防止第二个 Switchyard 运行的锁 %1</translation>
    </message>
    <message>
        <source>another Switchyard is running with the same settings file but did not answer; if it hangs, end it and start again</source>
        <translation>另一个 Switchyard 正在使用同一设置文件运行，但没有应答；如果它已挂起，请结束它并重新启动</translation>
    </message>
    <message>
        <source>another program answered on %1; it is not a Switchyard of this version</source>
        <translation>%1 上应答的是另一个程序；它不是此版本的 Switchyard</translation>
    </message>
    <message>
        <source>cannot listen on %1 for a second Switchyard: %2</source>
        <translation>无法在 %1 上为第二个 Switchyard 监听：%2</translation>
    </message>
    <message>
        <source>cannot use the single-instance socket %1: %2</source>
        <translation>无法使用单实例套接字 %1：%2</translation>
    </message>
</context>
<context>
    <name>Switchyard::SystemProxyController</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>another Switchyard (process %1) has the system proxy on; turn it off there first</source>
        <translation>另一个 Switchyard（进程 %1）已开启系统代理；请先在那里关闭它</translation>
    </message>
    <message>
        <source>cannot lock %1</source>
        <translation>无法锁定 %1</translation>
    </message>
    <message>
        <source>System proxy not changed: %1</source>
        <translation>系统代理未更改：%1</translation>
    </message>
    <message>
        <source>Could not point the %1 proxy settings at %2: %3</source>
        <translation>无法将 %1 代理设置指向 %2：%3</translation>
    </message>
    <message>
        <source>Restoring the settings from before failed too: %1. They are saved in %2; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>恢复之前的设置也失败了：%1。它们保存在 %2 中；“switchyard --restore-system-proxy”会再次尝试。</translation>
    </message>
    <message>
        <source>The %1 proxy settings point at Switchyard (%2).</source>
        <translation>%1 代理设置已指向 Switchyard（%2）。</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3; &apos;switchyard --restore-system-proxy&apos; tries again.</source>
        <translation>无法恢复 %1 代理设置：%2。它们保存在 %3 中；“switchyard --restore-system-proxy”会再次尝试。</translation>
    </message>
    <message>
        <source>The %1 proxy settings are back as they were.</source>
        <translation>%1 代理设置已恢复原样。</translation>
    </message>
    <message>
        <source>There are no system proxy settings to restore.</source>
        <translation>没有需要恢复的系统代理设置。</translation>
    </message>
    <message>
        <source>System proxy settings not restored: %1</source>
        <translation>系统代理设置未恢复：%1</translation>
    </message>
    <message>
        <source>The %1 proxy settings were changed since Switchyard pointed them at %2, so they were left as they are; the settings saved before that were dropped.</source>
        <translation>自 Switchyard 将 %1 代理设置指向 %2 以来，它们已被更改，因此保持原样；之前保存的设置已丢弃。</translation>
    </message>
    <message>
        <source>Could not restore the %1 proxy settings: %2. They are saved in %3.</source>
        <translation>无法恢复 %1 代理设置：%2。它们保存在 %3 中。</translation>
    </message>
    <message>
        <source>Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy settings from before are restored.</source>
        <translation>Switchyard（进程 %1）在系统代理指向它时停止了；之前的 %2 代理设置已恢复。</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficBodyView</name>
    <message>
        <source>No body</source>
        <translation>无正文</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficContextMenu</name>
    <message>
        <source>Copy URL</source>
        <translation>复制 URL</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>复制为 curl 命令</translation>
    </message>
    <message>
        <source>Copy response body</source>
        <translation>复制响应正文</translation>
    </message>
    <message>
        <source>Route %1</source>
        <translation>路由 %1</translation>
    </message>
    <message>
        <source>Route all of %1</source>
        <translation>路由整个 %1</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>经由 %1</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>阻止</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficDetailsPane</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1（%2 字节）</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>响应</translation>
    </message>
    <message>
        <source>Show secrets</source>
        <translation>显示机密信息</translation>
    </message>
    <message>
        <source>Show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie</source>
        <translation>显示 Authorization、Proxy-Authorization、Cookie 和 Set-Cookie 的值</translation>
    </message>
    <message>
        <source>Select an entry to see its details. Enter opens the selected one.</source>
        <translation>选择一个条目以查看其详细信息。按 Enter 打开所选条目。</translation>
    </message>
    <message>
        <source>Hide secrets</source>
        <translation>隐藏机密信息</translation>
    </message>
    <message>
        <source>No response yet.</source>
        <translation>尚无响应。</translation>
    </message>
    <message>
        <source>No headers captured (capture may be off).</source>
        <translation>未捕获标头（捕获可能已关闭）。</translation>
    </message>
    <message>
        <source>Click to show this value</source>
        <translation>点击以显示此值</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>SOCKS reply</source>
        <translation>SOCKS 应答</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Through the exit %1</source>
        <translation>经由出口 %1</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>已阻止</translation>
    </message>
    <message>
        <source>Answered by Switchyard</source>
        <translation>由 Switchyard 应答</translation>
    </message>
    <message>
        <source>Refused (connection limit)</source>
        <translation>已拒绝（连接数限制）</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>none matched: the default action</source>
        <translation>无匹配：使用默认操作</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>仍在进行</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>First byte</source>
        <translation>首字节</translation>
    </message>
    <message>
        <source>Relayed up</source>
        <translation>上行转发</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Relayed down</source>
        <translation>下行转发</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>A tunnel&apos;s payload is not inspected: its target, route, sizes and duration are what is known.</source>
        <translation>不检查隧道的载荷：已知的只有其目标、路由、大小和耗时。</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficFilterBar</name>
    <message>
        <source>Filter by host, URL or method (Ctrl+F)</source>
        <translation>按主机、URL 或方法筛选（Ctrl+F）</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Only failed exchanges: errors, 4xx and 5xx answers, SOCKS failures</source>
        <translation>仅失败的请求：错误、4xx 和 5xx 应答、SOCKS 失败</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>已阻止</translation>
    </message>
    <message>
        <source>Only exchanges a rule blocked</source>
        <translation>仅被规则阻止的请求</translation>
    </message>
    <message>
        <source>Only exchanges that took this route</source>
        <translation>仅走此路由的请求</translation>
    </message>
    <message>
        <source>Only exchanges of this protocol</source>
        <translation>仅此协议的请求</translation>
    </message>
    <message>
        <source>Any protocol</source>
        <translation>任意协议</translation>
    </message>
    <message>
        <source>Only answers of this status class</source>
        <translation>仅此状态类别的应答</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>1xx</source>
        <translation>1xx</translation>
    </message>
    <message>
        <source>2xx success</source>
        <translation>2xx 成功</translation>
    </message>
    <message>
        <source>3xx redirection</source>
        <translation>3xx 重定向</translation>
    </message>
    <message>
        <source>4xx client error</source>
        <translation>4xx 客户端错误</translation>
    </message>
    <message>
        <source>5xx server error</source>
        <translation>5xx 服务器错误</translation>
    </message>
    <message>
        <source>No status</source>
        <translation>无状态</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>任意路由</translation>
    </message>
    <message>
        <source>Direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>本地</translation>
    </message>
    <message>
        <source>Through %1</source>
        <translation>经由 %1</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>已阻止</translation>
    </message>
    <message>
        <source>local</source>
        <translation>本地</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Route %1, by the default action</source>
        <translation>路由 %1，由默认操作决定</translation>
    </message>
    <message>
        <source>Route %1, by the rule %2</source>
        <translation>路由 %1，由规则 %2 决定</translation>
    </message>
    <message>
        <source>%1 bytes sent</source>
        <translation>已发送 %1 字节</translation>
    </message>
    <message>
        <source>%1 bytes received</source>
        <translation>已接收 %1 字节</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Path or target</source>
        <translation>路径或目标</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Exchange number</source>
        <translation>请求编号</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>客户端的地址和端口</translation>
    </message>
    <message>
        <source>Path and query of a request, or host:port of a tunnel</source>
        <translation>请求的路径和查询，或隧道的 host:port</translation>
    </message>
    <message>
        <source>The rule that chose the route (&quot;default&quot;: no rule matched)</source>
        <translation>选择路由的规则（“默认”：没有规则匹配）</translation>
    </message>
    <message>
        <source>Body bytes sent by the client (everything relayed, for tunnels)</source>
        <translation>客户端发送的正文字节数（隧道则为全部转发的数据）</translation>
    </message>
    <message>
        <source>Body bytes received by the client (everything relayed, for tunnels)</source>
        <translation>客户端接收的正文字节数（隧道则为全部转发的数据）</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficPage</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Remove every entry (Ctrl+L)</source>
        <translation>移除所有条目（Ctrl+L）</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Export visible entries as HAR…</source>
        <translation>将可见条目导出为 HAR…</translation>
    </message>
    <message>
        <source>Export selected entries as HAR…</source>
        <translation>将所选条目导出为 HAR…</translation>
    </message>
    <message>
        <source>Mask secrets in exported files</source>
        <translation>在导出的文件中遮盖机密信息</translation>
    </message>
    <message>
        <source>Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values</source>
        <translation>替换 Authorization、Proxy-Authorization、Cookie 和 Set-Cookie 的值</translation>
    </message>
    <message>
        <source>Import HAR…</source>
        <translation>导入 HAR…</translation>
    </message>
    <message>
        <source>Add the entries of a HAR file to the table, for reading</source>
        <translation>将 HAR 文件中的条目添加到表格中以供查看</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save entries as HAR 1.2, for browsers&apos; developer tools</source>
        <translation>将条目保存为 HAR 1.2，供浏览器开发者工具使用</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Show new requests again</source>
        <translation>重新显示新请求</translation>
    </message>
    <message>
        <source>Stop adding new requests to the table; those shown still complete</source>
        <translation>停止向表格添加新请求；已显示的请求仍会完成</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message numerus="yes">
        <source>Imported %Ln entries from %1; capture paused</source>
        <translation>
            <numerusform>已从 %1 导入 %Ln 个条目；捕获已暂停</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries skipped</source>
        <translation>
            <numerusform>跳过了 %Ln 个条目</numerusform>
        </translation>
    </message>
    <message>
        <source>Export HAR</source>
        <translation>导出 HAR</translation>
    </message>
    <message>
        <source>There are no entries in view to export.</source>
        <translation>视图中没有可导出的条目。</translation>
    </message>
    <message>
        <source>Select the entries to export first.</source>
        <translation>请先选择要导出的条目。</translation>
    </message>
    <message>
        <source>HAR files (*.har);;All files (*)</source>
        <translation>HAR 文件 (*.har);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to %1</source>
        <translation>
            <numerusform>已将 %Ln 个条目导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Import HAR</source>
        <translation>导入 HAR</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln 个条目</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %Ln entries</source>
        <translation>
            <numerusform>%1 / %Ln 个条目</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Switchyard::TrafficView</name>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>Switchyard::TrayIcon</name>
    <message>
        <source>Exit</source>
        <translation>出口</translation>
    </message>
    <message numerus="yes">
        <source>↑ %1  ↓ %2  ·  %Ln connection(s)</source>
        <translation>
            <numerusform>↑ %1  ↓ %2  ·  %Ln 个连接</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SystemProxyBackendFactory</name>
    <message>
        <source>unknown system proxy backend &apos;%1&apos;</source>
        <translation>未知的系统代理后端“%1”</translation>
    </message>
    <message>
        <source>cannot change the %1 proxy settings: %2</source>
        <translation>无法更改 %1 代理设置：%2</translation>
    </message>
    <message>
        <source>an unknown desktop</source>
        <translation>未知桌面</translation>
    </message>
    <message>
        <source>no way to change the system proxy on %1: GNOME settings: %2; KDE settings: %3</source>
        <translation>无法在 %1 上更改系统代理：GNOME 设置：%2；KDE 设置：%3</translation>
    </message>
    <message>
        <source>not this desktop</source>
        <translation>不是此桌面</translation>
    </message>
</context>
<context>
    <name>SystemProxyJournal</name>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Switchyard system proxy journal</source>
        <translation>%1 太大，不可能是 Switchyard 系统代理日志</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>%1 已损坏：%2</translation>
    </message>
    <message>
        <source>%1 was written by another version of Switchyard</source>
        <translation>%1 由另一版本的 Switchyard 写入</translation>
    </message>
    <message>
        <source>%1 is damaged: a part is missing</source>
        <translation>%1 已损坏：缺少一部分</translation>
    </message>
    <message>
        <source>cannot delete %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
</context>
<context>
    <name>SystemProxyTarget</name>
    <message>
        <source>no proxy address</source>
        <translation>没有代理地址</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>“%1”不是 IP 地址</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an address a client can connect to</source>
        <translation>“%1”不是客户端可以连接的地址</translation>
    </message>
    <message>
        <source>no proxy port</source>
        <translation>没有代理端口</translation>
    </message>
</context>
<context>
    <name>SystemProxyTool</name>
    <message>
        <source>cannot run %1: %2</source>
        <translation>无法运行 %1：%2</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 seconds</source>
        <translation>%1 未在 %2 秒内应答</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 崩溃了</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>%1 失败，退出代码 %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
</context>
<context>
    <name>WindowsProxyBackend</name>
    <message>
        <source>Windows (Internet Options)</source>
        <translation>Windows（Internet 选项）</translation>
    </message>
    <message>
        <source>the Windows proxy settings exist only on Windows</source>
        <translation>Windows 代理设置仅存在于 Windows 上</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy settings: %1</source>
        <translation>无法读取 Windows 代理设置：%1</translation>
    </message>
    <message>
        <source>cannot read the Windows proxy setting %1: %2</source>
        <translation>无法读取 Windows 代理设置 %1：%2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 has an unexpected type (%2)</source>
        <translation>Windows 代理设置 %1 的类型异常（%2）</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy settings: %1</source>
        <translation>无法更改 Windows 代理设置：%1</translation>
    </message>
    <message>
        <source>cannot change the Windows proxy setting %1: %2</source>
        <translation>无法更改 Windows 代理设置 %1：%2</translation>
    </message>
    <message>
        <source>the Windows proxy setting %1 did not change</source>
        <translation>Windows 代理设置 %1 未更改</translation>
    </message>
</context>
<context>
    <name>WindowsProxySettings</name>
    <message>
        <source>the saved Windows proxy settings are damaged (%1)</source>
        <translation>保存的 Windows 代理设置已损坏（%1）</translation>
    </message>
    <message>
        <source>the saved Windows proxy settings are damaged (%1 is missing)</source>
        <translation>保存的 Windows 代理设置已损坏（缺少 %1）</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>try &apos;switchyard --help&apos; for the list of options</source>
        <translation>运行“switchyard --help”查看选项列表</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>无法在 %1 上监听：%2</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are unset); use --headless to run without a window</source>
        <translation>没有显示器（未设置 DISPLAY 和 WAYLAND_DISPLAY）；使用 --headless 可不带窗口运行</translation>
    </message>
    <message>
        <source>Switchyard is already running; its window was brought up.</source>
        <translation>Switchyard 已在运行；已将其窗口调到前台。</translation>
    </message>
</context>
</TS>
