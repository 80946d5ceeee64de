namespace Shuqiao.Server.Operations.Metrics;

/// <summary>
/// Requests and server errors (5xx) of the last minute, for the console dashboard: sixty one-second slots fed
/// from the same <c>http.server.request.duration</c> measurements that <c>/metrics</c> exports.
/// </summary>
public sealed class RequestRate(TimeProvider clock)
{
    private const int Slots = 60;
    private readonly long[] _second = new long[Slots];
    private readonly long[] _requests = new long[Slots];
    private readonly long[] _errors = new long[Slots];
    private readonly Lock _gate = new();

    public void Record(int statusCode)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(now % Slots);
        lock (_gate)
        {
            if (_second[slot] != now)
            {
                _second[slot] = now;
                _requests[slot] = 0;
                _errors[slot] = 0;
            }

            _requests[slot]++;
            if (statusCode >= 500)
            {
                _errors[slot]++;
            }
        }
    }

    public (long Requests, long ServerErrors) LastMinute()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        long requests = 0, errors = 0;
        lock (_gate)
        {
            for (var i = 0; i < Slots; i++)
            {
                if (now - _second[i] < Slots)
                {
                    requests += _requests[i];
                    errors += _errors[i];
                }
            }
        }

        return (requests, errors);
    }
}
