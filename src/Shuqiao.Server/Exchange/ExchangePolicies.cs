namespace Shuqiao.Server.Exchange;

/// <summary>Policies of the exchange gateway.</summary>
public static class ExchangePolicies
{
    /// <summary>API clients only: the gateway serves systems; tenancy comes from the grant of the client's organization.</summary>
    public const string Consumers = "exchange-consumers";
}
