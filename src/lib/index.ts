// The app core's public surface. The desk (openDesk) is re-exported here as it lands.
export {};
