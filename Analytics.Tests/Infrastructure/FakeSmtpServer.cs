using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A small SMTP server on 127.0.0.1 (plain text, AUTH PLAIN/LOGIN) that keeps each message it accepts. What it answers to
/// the end of DATA is scripted per message (<see cref="DataReplies"/>; 250 once the script runs out), and it can hang
/// up instead of answering, as a broken server does.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    /// <summary>Sent in place of a reply: close the connection without a word.</summary>
    public const string HangUp = "<hang up>";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConcurrentQueue<byte[]> Messages { get; } = new();
    public ConcurrentQueue<string> Recipients { get; } = new();
    public ConcurrentQueue<string> Logins { get; } = new();
    public ConcurrentQueue<string> DataReplies { get; } = new();
    public int Connections => _connections;
    private int _connections;

    public FakeSmtpServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);
        try
        {
            await Say("220 localhost fake ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Say("250-localhost");
                        await Say("250-8BITMIME");
                        await Say("250 AUTH PLAIN LOGIN");
                        break;
                    case "HELO": await Say("250 localhost"); break;
                    case "AUTH" when line.Length > 11 && line[5..].StartsWith("PLAIN ", StringComparison.OrdinalIgnoreCase):
                        Logins.Enqueue(Encoding.UTF8.GetString(Convert.FromBase64String(line[11..].Trim())).Replace('\0', '|'));
                        await Say("235 2.7.0 Authentication successful");
                        break;
                    case "AUTH":
                        await Say("334 VXNlcm5hbWU6");
                        var user = Encoding.UTF8.GetString(Convert.FromBase64String((await reader.ReadLineAsync(_stop.Token))!.Trim()));
                        await Say("334 UGFzc3dvcmQ6");
                        var password = Encoding.UTF8.GetString(Convert.FromBase64String((await reader.ReadLineAsync(_stop.Token))!.Trim()));
                        Logins.Enqueue($"|{user}|{password}");
                        await Say("235 2.7.0 Authentication successful");
                        break;
                    case "MAIL": await Say("250 2.1.0 OK"); break;
                    case "RCPT":
                        Recipients.Enqueue(line[(line.IndexOf(':') + 1)..].Trim().Trim('<', '>'));
                        await Say("250 2.1.5 OK");
                        break;
                    case "DATA":
                        await Say("354 End data with <CR><LF>.<CR><LF>");
                        var message = new MemoryStream();
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                            var unstuffed = data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data;
                            message.Write(Encoding.Latin1.GetBytes(unstuffed + "\r\n"));
                        }
                        var reply = DataReplies.TryDequeue(out var scripted) ? scripted : "250 2.0.0 Queued as fake";
                        if (reply == HangUp) return;
                        if (reply.StartsWith('2')) Messages.Enqueue(message.ToArray());
                        await Say(reply);
                        break;
                    case "RSET": case "NOOP": await Say("250 OK"); break;
                    case "QUIT":
                        await Say("221 Bye");
                        return;
                    default: await Say("502 Command not implemented"); break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
