package com.interviewroom.edge.admin;

import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.schema.cost.CostLedger;

/**
 * The cost ledger of an edge process: priced by {@code PRICE_TABLE_FILE} (or the built-in table),
 * counted on its registry.
 */
public final class Costs {
  private Costs() {}

  public static CostLedger ledger(EdgeContext app) {
    return new CostLedger(
        app.db(), PriceTable.from(app.config().operations()), app.registry(), app.clock());
  }
}
