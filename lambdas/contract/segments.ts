/** The values of each `user_segments` dimension (docs/contract.md, user_segments), in their natural order. */
export const LIFECYCLES = ['new', 'resurrected', 'active', 'at_risk', 'dormant', 'churned'] as const;
export const VALUE_TIERS = ['whale', 'high', 'mid', 'low', 'zero'] as const;
export const FUNNEL_STAGES = ['registered', 'kyc', 'funded', 'trader'] as const;
export const TENURE_BUCKETS = ['0-7', '8-30', '31-90', '91-180', '181+', 'unknown'] as const;
export const TRADE_FREQUENCIES = ['none', 'light', 'regular', 'heavy'] as const;
export const PRODUCT_MIXES = ['spot', 'futures', 'both', 'none'] as const;
/** `churn_risk` by `p_active_30d`: low (>= 0.7), medium (>= 0.3), high (< 0.3). */
export const CHURN_RISKS = ['low', 'medium', 'high'] as const;

export type Lifecycle = (typeof LIFECYCLES)[number];
export type ValueTier = (typeof VALUE_TIERS)[number];
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export type ChurnRisk = (typeof CHURN_RISKS)[number];
