-- A deposit below the minimum (MIN_SWEEP_XMR) is never credited. It used to stay PENDING forever,
-- and a pending deposit blocks deleting the account; it is now DUST: seen, shown, settled.

ALTER TABLE `deposits` MODIFY `state` ENUM('PENDING', 'CREDITED', 'DUST') NOT NULL DEFAULT 'PENDING';
