import type { AdviceModel, ExistingIndex, RecommendedIndex } from '../../src/workload/advice.js';

/** A recommended index as `pgwarden advise` states it, with the figures a case overrides. */
export function recommended(overrides: Partial<RecommendedIndex> = {}): RecommendedIndex {
  return {
    table: 'public.orders',
    definition: 'public.orders (customer_id, created_at DESC)',
    targets: ['customer_id', 'created_at'],
    include: [],
    where: null,
    method: 'btree',
    statements: [
      'CREATE INDEX CONCURRENTLY idx_orders_customer_id_created_at ON public.orders (customer_id, created_at DESC);',
    ],
    sizeBytes: 2_605_056,
    usedBy: ['q2', 'q7'],
    saving: 620_000,
    share: 0.3,
    ...overrides,
  };
}

export function existing(overrides: Partial<ExistingIndex> = {}): ExistingIndex {
  return {
    table: 'public.orders',
    name: 'public.orders_customer_id',
    definition: 'CREATE INDEX orders_customer_id ON public.orders USING btree (customer_id)',
    keys: ['customer_id'],
    include: [],
    method: 'btree',
    partial: false,
    enforces: false,
    valid: true,
    sizeBytes: 2_400_000,
    scans: 120,
    drop: 'DROP INDEX CONCURRENTLY public.orders_customer_id;',
    ...overrides,
  };
}

export function adviceModel(overrides: Partial<AdviceModel> = {}): AdviceModel {
  return {
    method: 'what-if',
    workload: 'workload.sql',
    recommended: [recommended()],
    existing: [],
    ...overrides,
  };
}
